// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "notebridge",
    products: [
        .executable(name: "notebridge", targets: ["notebridge"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // System C libraries (Debian: libsqlite3-dev, libjansson-dev, libssl-dev, libcurl4-openssl-dev).
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CJansson", pkgConfig: "jansson", providers: [.apt(["libjansson-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // curl_easy_setopt is variadic; the shim gives Swift typed setters.
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl")]),

        .target(name: "JSON", dependencies: ["CJansson"]),
        .target(name: "Support"),
        .target(name: "JSONRPC", dependencies: ["JSON", "Support"]),
        .target(name: "HTTP", dependencies: ["CCurl"]),
        .target(name: "Notes", dependencies: ["Yams", "CCrypto"]),
        .target(name: "Merge"),
        .target(name: "LSP", dependencies: ["JSON"]),
        .target(name: "Index", dependencies: ["Support", "Notes", "JSON", "HTTP", "CSQLite"]),
        .target(name: "Workspace", dependencies: ["Notes", "JSON", "HTTP", "Support"]),
        // The sync engine: files, index and saves, with no JSON-RPC in sight.
        .target(name: "Vault", dependencies: ["Support", "Notes", "Index", "Workspace", "Merge", "JSON"]),
        // Language features over a note snapshot, answering in LSP values; no JSON-RPC.
        .target(name: "Language", dependencies: ["Notes", "JSON", "LSP"]),
        .target(name: "Server", dependencies: ["Support", "JSONRPC", "JSON", "LSP", "Language", "Notes", "Index", "Workspace", "Merge", "Vault"]),
        .target(name: "Tools", dependencies: ["Support", "JSON", "Notes", "Index", "Workspace", "Vault"]),
        .executableTarget(name: "notebridge", dependencies: [
            "Server", "Tools", "Vault", "Workspace", "Index", "JSON", "JSONRPC", "Support", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "jsonrpc-bench", dependencies: ["JSONRPC", "JSON", "Support"], path: "Benchmarks/JSONRPCBench"),

        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "SupportTests", dependencies: ["Support"]),
        .testTarget(name: "JSONRPCTests", dependencies: ["JSONRPC", "Support"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP"]),
        .testTarget(name: "NotesTests", dependencies: ["Notes"]),
        .testTarget(name: "MergeTests", dependencies: ["Merge"]),
        // Also the indexer's tests, which read real folders through Vault.
        .testTarget(name: "IndexTests", dependencies: ["Index", "Vault"]),
        .testTarget(name: "WorkspaceTests", dependencies: ["Workspace"]),
        .testTarget(name: "LSPTests", dependencies: ["LSP", "JSON"]),
        .testTarget(name: "LanguageTests", dependencies: ["Language", "Notes", "LSP", "JSON"]),
        .testTarget(name: "VaultTests", dependencies: ["Vault"]),
        .testTarget(name: "ServerTests", dependencies: ["Server", "Vault", "JSONRPC", "JSON"]),
    ]
)

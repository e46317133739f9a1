import Foundation

/// Which paths Basic Memory leaves out of a project (`ignore_utils.py`): the patterns of its
/// `.bmignore` (in `$BASIC_MEMORY_CONFIG_DIR`, else `$XDG_CONFIG_HOME/basic-memory`, else
/// `~/.basic-memory`; Basic Memory's defaults —
/// dotfiles, `build`, `dist`, `env`, `venv`, `node_modules`, `*.tmp`… — when there is none or it
/// is empty) plus the root's `.gitignore`, matched its way: a pattern naming a path component, a
/// glob (`fnmatch`) on a component or on the whole relative path, `dir/` for a folder anywhere,
/// `/x` anchored at the root. No `!` negation, as in Basic Memory.
public struct IgnoreRules: Sendable {
    /// Basic Memory's `DEFAULT_IGNORE_PATTERNS`.
    public static let basicMemoryDefaults = [
        ".*", "*.db", "*.db-shm", "*.db-wal", "config.json", ".git", ".svn", "__pycache__", "*.pyc", "*.pyo", "*.pyd",
        ".pytest_cache", ".coverage", "*.egg-info", ".tox", ".mypy_cache", ".ruff_cache", ".venv", "venv", "env", ".env",
        "node_modules", "build", "dist", ".cache", ".idea", ".vscode", ".DS_Store", "Thumbs.db", "desktop.ini",
        ".obsidian", "*.tmp", "*.swp", "*.swo", "*~",
    ]

    private enum Rule: Sendable {
        case folderAtRoot(String)          // `/name/`
        case rootGlob(Glob)                // `/pattern`
        case folderAnywhere(String)        // `name/`
        case component(Glob)               // anything else: a component, or the whole path
    }

    private let rules: [Rule]
    /// Plain component names among the `component` rules, for a set lookup before the globs.
    private let literalComponents: Set<String>

    public init(patterns: [String]) {
        var rules: [Rule] = []
        var literals = Set<String>()
        for pattern in patterns {
            if pattern.hasPrefix("/") {
                let rest = String(pattern.dropFirst())
                rules.append(rest.hasSuffix("/") ? .folderAtRoot(String(rest.dropLast())) : .rootGlob(Glob(rest)))
            } else if pattern.hasSuffix("/") {
                rules.append(.folderAnywhere(String(pattern.dropLast())))
            } else {
                let glob = Glob(pattern)
                if glob.isLiteral { literals.insert(pattern) }
                rules.append(.component(glob))
            }
        }
        self.rules = rules
        self.literalComponents = literals
    }

    /// The rules Basic Memory applies to the project at `root`.
    public static func load(root: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> IgnoreRules {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let dataDirectory = value("BASIC_MEMORY_CONFIG_DIR") ?? value("XDG_CONFIG_HOME").map { $0 + "/basic-memory" }
            ?? (value("HOME") ?? NSHomeDirectory()) + "/.basic-memory"
        var patterns = patternLines(atPath: dataDirectory + "/.bmignore")
        if patterns.isEmpty { patterns = basicMemoryDefaults }
        patterns += patternLines(atPath: root + "/.gitignore")
        return IgnoreRules(patterns: patterns)
    }

    /// The patterns of a gitignore-style file: blank lines and `#` comments skipped, `\#`, `\ `
    /// and `\\` unescaped, trailing spaces dropped.
    static func patternLines(atPath path: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            .compactMap { line -> String? in
                guard !line.isEmpty, !line.hasPrefix("#") else { return nil }
                var out = ""
                var trailingSpaces = 0
                var escaped = false
                for character in line {
                    if escaped {
                        out.append(character)
                        escaped = false
                        trailingSpaces = 0
                    } else if character == "\\" {
                        escaped = true
                    } else {
                        out.append(character)
                        trailingSpaces = character == " " ? trailingSpaces + 1 : 0
                    }
                }
                if escaped { out.append("\\") }
                out.removeLast(trailingSpaces)
                return out.isEmpty ? nil : out
            }
    }

    /// Whether Basic Memory skips the file or folder at root-relative `path`.
    public func ignores(_ path: String) -> Bool {
        let components = path.split(separator: "/").map(String.init)
        if ignoresComponents(components) { return true }
        for rule in rules {
            switch rule {
            case .rootGlob(let glob), .component(let glob):
                if glob.matches(path) { return true }
            case .folderAtRoot, .folderAnywhere:
                continue
            }
        }
        return false
    }

    /// `ignores` for a file in a folder already known not to be ignored as a whole
    /// (`ignoresEverythingUnder` was false for it): only the name and the whole path are matched.
    public func ignoresFile(_ path: String, name: String) -> Bool {
        if literalComponents.contains(name) { return true }
        for rule in rules {
            switch rule {
            case .component(let glob):
                // A literal, `*suffix` or `prefix*` without `/` matches the path only where it
                // matches a component, and the folders' components were checked on the way down.
                if glob.isLiteral { continue }
                if glob.matches(name) || (!glob.isComponentShaped && glob.matches(path)) { return true }
            case .rootGlob(let glob):
                if glob.matches(path) { return true }
            case .folderAtRoot, .folderAnywhere:
                continue
            }
        }
        return false
    }

    /// Whether every path under the folder at `path` is ignored (so the scan need not list it):
    /// true when a rule matches one of its components.
    public func ignoresEverythingUnder(_ path: String) -> Bool {
        ignoresComponents(path.split(separator: "/").map(String.init))
    }

    private func ignoresComponents(_ components: [String]) -> Bool {
        if components.contains(where: literalComponents.contains) { return true }
        for rule in rules {
            switch rule {
            case .folderAtRoot(let name):
                if components.first == name { return true }
            case .folderAnywhere(let name):
                if components.contains(name) { return true }
            case .component(let glob):
                if !glob.isLiteral, components.contains(where: glob.matches) { return true }
            case .rootGlob:
                continue
            }
        }
        return false
    }
}

/// Python's `fnmatch` on POSIX: `*` any run (slashes included), `?` one character, `[abc]`,
/// `[a-z]`, `[!abc]` a set; case-sensitive. `name`, `*suffix` and `prefix*` (most ignore
/// patterns) are compared as bytes.
struct Glob: Sendable {
    private enum Shape: Sendable {
        case literal([UInt8])
        case suffix([UInt8])
        case prefix([UInt8])
        case general([Character])
    }

    private let shape: Shape
    var isLiteral: Bool { if case .literal = shape { return true } else { return false } }
    /// A literal, prefix or suffix without `/`: it matches a whole path only by matching one of its components.
    var isComponentShaped: Bool {
        switch shape {
        case .literal(let bytes), .suffix(let bytes), .prefix(let bytes): return !bytes.contains(UInt8(ascii: "/"))
        case .general: return false
        }
    }

    init(_ pattern: String) {
        func plain(_ s: Substring) -> Bool { !s.contains { $0 == "*" || $0 == "?" || $0 == "[" } }
        let text = Substring(pattern)
        if plain(text) {
            shape = .literal(Array(pattern.utf8))
        } else if text.first == "*", plain(text.dropFirst()) {
            shape = .suffix(Array(text.dropFirst().utf8))
        } else if text.last == "*", plain(text.dropLast()) {
            shape = .prefix(Array(text.dropLast().utf8))
        } else {
            shape = .general(Array(pattern))
        }
    }

    func matches(_ text: String) -> Bool {
        switch shape {
        case .literal(let bytes):
            return text.utf8.elementsEqual(bytes)
        case .suffix(let bytes):
            return text.utf8.count >= bytes.count && text.utf8.suffix(bytes.count).elementsEqual(bytes)
        case .prefix(let bytes):
            return text.utf8.starts(with: bytes)
        case .general(let pattern):
            return Self.match(pattern, Array(text))
        }
    }

    /// Iterative glob match with one backtrack point for the last `*`.
    private static func match(_ pattern: [Character], _ text: [Character]) -> Bool {
        var t = 0, p = 0
        var starP = -1, starT = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "*" {
                starP = p
                starT = t
                p += 1
            } else if p < pattern.count, let next = step(pattern, text[t], at: p) {
                t += 1
                p = next
            } else if starP >= 0 {
                p = starP + 1
                starT += 1
                t = starT
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }

    /// The pattern index after matching `character` at `p`, or nil.
    private static func step(_ pattern: [Character], _ character: Character, at p: Int) -> Int? {
        switch pattern[p] {
        case "?":
            return p + 1
        case "[":
            var i = p + 1
            var negate = false
            if i < pattern.count, pattern[i] == "!" { negate = true; i += 1 }
            let setStart = i
            if i < pattern.count, pattern[i] == "]" { i += 1 }
            while i < pattern.count, pattern[i] != "]" { i += 1 }
            // An unclosed `[` is a literal `[`.
            guard i < pattern.count else { return character == "[" ? p + 1 : nil }
            var found = false
            var k = setStart
            while k < i {
                if k + 2 < i, pattern[k + 1] == "-" {
                    if pattern[k] <= character && character <= pattern[k + 2] { found = true }
                    k += 3
                } else {
                    if pattern[k] == character { found = true }
                    k += 1
                }
            }
            return found != negate ? i + 1 : nil
        default:
            return pattern[p] == character ? p + 1 : nil
        }
    }
}

import JSON
import JSONRPC
@testable import Server
import Vault
import Testing

@Test func clientSettingsAreReadFromEitherShape() throws {
    let flat = try Settings(client: ["root": "/notes", "pollInterval": 0.5, "rcloneRc": "http://127.0.0.1:5572/"], path: "initializationOptions")
    #expect(flat.root == "/notes")
    #expect(flat.pollInterval == 0.5)
    #expect(flat.rcloneRC == "http://127.0.0.1:5572/")
    let nested = try Settings(client: ["notebridge": ["database": "file:/tmp/x.sqlite"]], path: "settings")
    #expect(nested.database == "file:/tmp/x.sqlite")
}

@Test func badSettingsNameTheField() {
    #expect(throws: ResponseError.invalidParams("initializationOptions.pollInterval: expected number, got string")) {
        try Settings(client: ["pollInterval": "fast"], path: "initializationOptions")
    }
    #expect {
        try Settings(client: ["scanInterval": -1], path: "initializationOptions")
    } throws: { error in
        (error as? ResponseError)?.message.contains("initializationOptions.scanInterval") == true
    }
}

@Test func commandLineWinsOverTheClient() {
    let merged = Settings(root: "/cli", pollInterval: 2).filling(from: Settings(root: "/client", database: "db", pollInterval: 9))
    #expect(merged.root == "/cli")
    #expect(merged.database == "db")
    #expect(merged.pollInterval == 2)
}

@Test func rootComesFromTheFirstAvailableSource() throws {
    #expect(try RootChoice.choose(settings: Settings(root: "/a"), initializeParams: ["rootUri": "file:///b"]) == "/a")
    #expect(try RootChoice.choose(settings: Settings(), initializeParams: [
        "workspaceFolders": [["uri": "file:///w%20s", "name": "w"]], "rootUri": "file:///b",
    ]) == "/w s")
    #expect(try RootChoice.choose(settings: Settings(), initializeParams: ["rootUri": "file:///b"]) == "/b")
    #expect(throws: MissingRoot.self) {
        try RootChoice.choose(settings: Settings(), initializeParams: ["rootUri": nil, "workspaceFolders": []])
    }
}

@Test func slashAndHomeAreTooBroad() {
    #expect(RootChoice.isTooBroad("/"))
    #expect(!RootChoice.isTooBroad("/srv/notes"))
}

@Test func historyRetentionSettingsAreReadAndChecked() throws {
    let read = try Settings(client: ["historyDays": 7.5, "historyKeep": 10], path: "initializationOptions")
    #expect(read.historyDays == 7.5 && read.historyKeep == 10)
    for (key, value) in [("historyDays", JSONValue.integer(0)), ("historyKeep", .integer(0)), ("historyKeep", .string("many"))] {
        #expect {
            try Settings(client: .object([key: value]), path: "initializationOptions")
        } throws: { error in
            (error as? ResponseError)?.message.contains("initializationOptions.\(key)") == true
        }
    }
}

import JSON
import Notes
import Vault

enum Capabilities {
    static let commands = ["notebridge.save", "notebridge.reindex", "notebridge.acceptRemote", "notebridge.keepMine"]
        + ["notebridge.check", "notebridge.createNote", "notebridge.history", "notebridge.restore", "notebridge.showVersion"]

    static func initializeResult(encoding: PositionEncoding) -> JSONValue {
        [
            "capabilities": [
                "positionEncoding": .string(encoding.rawValue),
                "textDocumentSync": [
                    "openClose": true,
                    "change": 2,  // incremental
                    "save": ["includeText": true],
                ],
                "workspaceSymbolProvider": true,
                "completionProvider": ["triggerCharacters": ["[", "#", " "], "resolveProvider": false],
                "definitionProvider": true,
                "referencesProvider": true,
                "hoverProvider": true,
                "documentSymbolProvider": true,
                "renameProvider": ["prepareProvider": true],
                "codeActionProvider": ["codeActionKinds": ["quickfix", "source"]],
                "executeCommandProvider": ["commands": .array(commands.map { .string($0) })],
                "workspace": ["workspaceFolders": ["supported": true, "changeNotifications": false]],
                "experimental": ["notes": ["open": true, "save": true, "search": true, "delete": true, "didChange": true, "history": true]],
            ],
            "serverInfo": ["name": "notebridge", "version": .string(notebridgeVersion)],
        ]
    }
}

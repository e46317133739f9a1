/// notebridge's version, as `--version` and `serverInfo` report it.
public let notebridgeVersion = "0.1.0"

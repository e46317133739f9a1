/// notebridge's version, as `--version` and `serverInfo` report it.
public let version = "0.1.0"

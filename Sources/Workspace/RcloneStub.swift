public struct RcloneRemoteControl: Sendable {
    public init(settingsURL: String) throws {}
    public func refresh(directory: String) throws {}
}

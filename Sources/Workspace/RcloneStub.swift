public struct RcloneRemoteControl: Sendable {
    public init(settingsURL: String) throws {}
    public func refresh(directory: String) throws {}
}
extension RcloneRemoteControl {
    public func remoteObject(path: String) throws -> (size: Int64, md5: String?)? { nil }
}

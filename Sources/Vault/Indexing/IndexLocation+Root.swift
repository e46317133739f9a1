import Foundation
import Index
import Workspace

extension IndexLocation {
    /// The default index path for an opened root (see `defaultPath(forCanonicalRoot:environment:)`).
    public static func defaultPath(forRoot root: VaultRoot,
                                   environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        defaultPath(forCanonicalRoot: root.path, environment: environment)
    }
}

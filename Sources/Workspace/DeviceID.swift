import Glibc

/// This machine's name in the change feed and in conflict copies, stable per machine and user.
public enum DeviceID {
    /// Reads `<stateDirectory>/device-id`, creating it as "<hostname>-<6 hex digits>" the first time.
    /// `stateDirectory` defaults to $XDG_STATE_HOME/notebridge, else ~/.local/state/notebridge. If the file
    /// cannot be written, the generated name is still returned (it will then differ per run).
    public static func current(stateDirectory: String? = nil) -> String {
        guard let directory = stateDirectory ?? defaultDirectory() else { return generate() }
        let file = directory + "/device-id"
        if let stored = read(file) { return stored }
        let generated = generate()
        guard store(generated, at: file) else { return generated }
        // Another process may have stored its name first: the file decides.
        return read(file) ?? generated
    }

    private static func defaultDirectory() -> String? {
        if let state = environment("XDG_STATE_HOME"), state.hasPrefix("/") { return state + "/notebridge" }
        if let home = environment("HOME"), home.hasPrefix("/") { return home + "/.local/state/notebridge" }
        return nil
    }

    private static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let string = String(cString: value)
        return string.isEmpty ? nil : string
    }

    private static func generate() -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let found = buffer.withUnsafeMutableBufferPointer { gethostname($0.baseAddress!, $0.count - 1) } == 0
        let host = found ? String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self) : ""
        let suffix = String(UInt32.random(in: 0..<0x100_0000), radix: 16)
        let name = ConflictCopy.sanitized(host.isEmpty ? "device" : host)
        return name + "-" + String(repeating: "0", count: 6 - suffix.count) + suffix
    }

    /// The stored name, sanitised, or nil if the file is missing or empty.
    private static func read(_ file: String) -> String? {
        let descriptor = open(file, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = Glibc.read(descriptor, &buffer, buffer.count)
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[..<count], as: UTF8.self).trimmingWhitespace()
        return text.isEmpty ? nil : ConflictCopy.sanitized(text)
    }

    /// Creates the file only if it does not exist yet (write a temporary file, then link it into place).
    private static func store(_ name: String, at file: String) -> Bool {
        let target = ResolvedPath(relative: FileSystem.name(of: file), absolute: file)
        guard let temporary = try? AtomicFile.writeTemporary(Array((name + "\n").utf8), beside: target) else { return false }
        defer { unlink(temporary) }
        return link(temporary, file) == 0 || errno == EEXIST
    }
}

private extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars.drop { $0.properties.isWhitespace }.reversed().drop { $0.properties.isWhitespace }.reversed()
        return String(String.UnicodeScalarView(scalars))
    }
}

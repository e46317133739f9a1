import Index

/// What a `ChangeMonitor` tells, and asks of, whoever serves the notes: the server, which turns
/// the changes into `notes/didChange` (as sourcekit-lsp's language services report to their
/// server). The monitor holds it weakly; the server owns the monitor.
package protocol ChangeSink: AnyObject, Sendable {
    /// Changes made elsewhere, each (path, checksum) once, in feed order. The monitor awaits this
    /// before it reads the feed again.
    func changed(_ changes: [ChangeRecord]) async
    /// Whether `path` is open in an editor: inotify events for it wait a little for the editor's
    /// own didSave, which knows what the buffer was based on.
    func isOpen(_ path: String) -> Bool
}

import Foundation

/// Where a long run reports how far it is: one `ProgressTask` per loop, and warnings a person
/// should see. `TerminalProgress` draws progress bars on standard error (the `metasim`
/// command); `SilentProgress` reports nothing (tests, library use).
public protocol ProgressReporter {
    /// Starts reporting a loop of `total` units (≥ 0) titled `title`.
    func start(_ title: String, total: Int) -> any ProgressTask
    /// A problem that does not stop the run (e.g. stage 1 ended above its threshold).
    func warn(_ message: String)
}

/// One loop being reported.
public protocol ProgressTask: AnyObject {
    /// Marks `count` more units done; `status` (e.g. the current loss) replaces the last one.
    func advance(by count: Int, status: String?)
    /// Completes the loop (call once at the end).
    func finish(status: String?)
}

extension ProgressTask {
    /// Marks `count` more units done, keeping the last status.
    public func advance(by count: Int = 1) { advance(by: count, status: nil) }
    /// Marks one more unit done and shows `status`.
    public func advance(status: String) { advance(by: 1, status: status) }
    /// Completes the loop, keeping the last status.
    public func finish() { finish(status: nil) }
}

extension ProgressBar: ProgressTask {}

/// Progress bars with an ETA on standard error (see `ProgressBar`); warnings go to standard
/// error as `warning: …` lines even when `quiet` (which hides the bars).
public struct TerminalProgress: ProgressReporter {
    /// Hide the bars (warnings are still printed).
    public let quiet: Bool

    /// Bars on standard error unless `quiet`.
    public init(quiet: Bool = false) {
        self.quiet = quiet
    }

    /// A new `ProgressBar`.
    public func start(_ title: String, total: Int) -> any ProgressTask {
        ProgressBar(title, total: total, quiet: quiet)
    }

    /// Prints `warning: MESSAGE` on standard error.
    public func warn(_ message: String) {
        FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
    }
}

/// Reports nothing.
public struct SilentProgress: ProgressReporter {
    /// A reporter that stays silent.
    public init() {}

    /// A task that ignores every call.
    public func start(_ title: String, total: Int) -> any ProgressTask { SilentTask() }

    /// Drops the warning.
    public func warn(_ message: String) {}

    private final class SilentTask: ProgressTask {
        func advance(by count: Int, status: String?) {}
        func finish(status: String?) {}
    }
}

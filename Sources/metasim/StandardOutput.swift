import Foundation

/// Standard output whose write failures (a full disk, `> /dev/full`, a closed descriptor) are
/// errors the user sees, never a crash or a silent exit 0.
struct StandardOutputError: Error, CustomStringConvertible {
    var reason: String
    var description: String { "error: standard output: cannot write: \(reason)" }
}

enum StandardOutput {
    /// Writes `data` to standard output, after what `print` buffered. Throws
    /// `StandardOutputError` when the bytes cannot all be written.
    static func write(_ data: some DataProtocol) throws {
        try flush()
        do {
            try FileHandle.standardOutput.write(contentsOf: data)
        } catch {
            throw StandardOutputError(reason: String(cString: strerror(errno)))
        }
    }

    /// Flushes what `print` buffered; throws `StandardOutputError` when that fails.
    static func flush() throws {
        if fflush(stdout) != 0 || ferror(stdout) != 0 {
            let reason = String(cString: strerror(errno))
            clearerr(stdout)
            throw StandardOutputError(reason: reason)
        }
    }
}

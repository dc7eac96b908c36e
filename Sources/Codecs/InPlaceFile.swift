import Diagnostics
import Foundation

/// A whole file written under its final name: one `open(2)`, `write(2)` and `close(2)`, no
/// temporary name and no `rename(2)` (`AtomicFile` costs one more call per file, about 40 % of a
/// small file's time on tmpfs, issue 15).
///
/// Only for files whose folder does not yet claim to be complete: a dataset's per-sample files,
/// written into a staging folder (`DatasetOutputFolder`) and before the manifest. A killed run
/// can leave a truncated file under its final name there; whoever resumes must check each file
/// it keeps (the dataset writers check PNGs for their `IEND`). On a failed write the partial
/// file is removed.
public enum InPlaceFile {
    /// Creates or replaces `path` with `bytes`. The final component must not be a symbolic link
    /// (`O_NOFOLLOW`: a link is never written through). Throws an `InputError` naming `path` when
    /// the file cannot be created or written.
    public static func write(_ bytes: Data, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o666)
        guard descriptor >= 0 else {
            throw InputError(file: path, message: "cannot create: " + String(cString: strerror(errno)))
        }
        do {
            try bytes.withUnsafeBytes { try writeAllBytes($0, to: descriptor, path: path) }
        } catch {
            close(descriptor)
            unlink(path)
            throw error
        }
        guard close(descriptor) == 0 else {
            let message = "cannot write: close: " + String(cString: strerror(errno))
            unlink(path)
            throw InputError(file: path, message: message)
        }
    }
}

import Diagnostics
import Foundation

/// An output file written under a temporary name in its destination folder and renamed into
/// place by `commit()`, so that an interrupted run never leaves a half-written file under the
/// final name. Every writer in MetaSim goes through it.
///
/// The temporary file is `.NAME.tmp-PID-N` beside `path` (hidden, never mistaken for the real
/// file). `abort()`, or `deinit` without `commit()`, removes it. The folder must exist.
/// Errors are `InputError`s naming the destination path (the user chose it).
public final class AtomicFileWriter {
    /// The final path.
    public let path: String
    /// Where bytes go until `commit()`.
    public let temporaryPath: String
    /// The temporary file's descriptor; -1 after `commit()` or `abort()`.
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private let bufferLimit = 1 << 16
    /// Bytes appended so far.
    public private(set) var byteCount = 0

    /// Creates the temporary file (one `open(2)`, mode 0666 less the umask, as `FileManager`
    /// creates files; not `FileManager.createFile`, which writes an empty file through a
    /// temporary of its own first). Throws when the folder is missing or not writable.
    /// Writes go straight to the descriptor (`write(2)`), without `FileHandle` (issue 15: a
    /// dataset writes one small file per image).
    public init(path: String) throws {
        self.path = path
        let (folder, name) = AtomicFileWriter.split(path)
        temporaryPath = folder + "/." + name + ".tmp-\(AtomicFileWriter.processID)-\(AtomicFileWriter.nextSerial())"
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            var isFolder: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder)
            throw InputError(file: path, message: exists && isFolder.boolValue
                ? "cannot create a file in folder \(folder) (permissions?)"
                : "output folder \(folder) does not exist")
        }
    }

    deinit {
        if descriptor >= 0 { abort() }
    }

    /// `path`'s folder and last component: split at the last `/` when that leaves a plain
    /// name and a non-empty folder (what every writer passes), else as `URL` reads the path
    /// (relative names, trailing `/`, `.`/`..`), whose folder is absolute.
    static func split(_ path: String) -> (folder: String, name: String) {
        // Found in the UTF-8 view: stepping back by `Character`s (grapheme breaking) cost a
        // writer of one small file per image a twentieth of its commit time (issue 15).
        if let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")), slash != path.startIndex {
            let name = path[path.utf8.index(after: slash)...]
            if !name.isEmpty, name != ".", name != ".." { return (String(path[..<slash]), String(name)) }
        }
        let url = URL(fileURLWithPath: path)
        return (url.deletingLastPathComponent().path, url.lastPathComponent)
    }

    /// Appends bytes (buffered; a contiguous chunk that would fill the buffer goes to the
    /// file directly, after what the buffer holds).
    public func write<Bytes: Sequence>(_ bytes: Bytes) throws where Bytes.Element == UInt8 {
        guard descriptor >= 0 else { throw InputError(file: path, message: "write after commit or abort") }
        let wroteDirectly = try bytes.withContiguousStorageIfAvailable { chunk -> Bool in
            guard buffer.count + chunk.count >= bufferLimit else { return false }
            try flush()
            try writeAll(UnsafeRawBufferPointer(chunk))
            return true
        }
        if wroteDirectly == true { return }
        buffer.append(contentsOf: bytes)
        if buffer.count >= bufferLimit { try flush() }
    }

    /// Appends the UTF-8 bytes of `text`.
    public func write(_ text: String) throws {
        try write(text.utf8)
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        try writeAllBytes(bytes, to: descriptor, path: path)
        byteCount += bytes.count
    }

    /// Flushes, optionally fsyncs, closes and renames the temporary file to `path` (replacing
    /// any file there). On failure the temporary file is removed and the error rethrown.
    public func commit(sync: Bool = false) throws {
        guard descriptor >= 0 else { throw InputError(file: path, message: "commit after commit or abort") }
        do {
            try flush()
            if sync, fsync(descriptor) != 0 {
                throw InputError(file: path, message: "cannot write: fsync: " + String(cString: strerror(errno)))
            }
            let closed = close(descriptor)
            descriptor = -1
            guard closed == 0 else {
                throw InputError(file: path, message: "cannot write: close: " + String(cString: strerror(errno)))
            }
            guard rename(temporaryPath, path) == 0 else {
                throw InputError(file: path, message: "cannot rename \(temporaryPath) into place: "
                                 + String(cString: strerror(errno)))
            }
        } catch {
            abort()
            throw error
        }
    }

    /// Closes and removes the temporary file; the final path is left as it was. Idempotent.
    public func abort() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        buffer.removeAll()
        unlink(temporaryPath)
    }

    private static let processID = getpid()
    private static let serialLock = NSLock()
    nonisolated(unsafe) private static var serial = 0
    private static func nextSerial() -> Int {
        serialLock.lock()
        defer { serialLock.unlock() }
        serial += 1
        return serial
    }
}

/// `write(2)` until all of `bytes` is in the file open as `descriptor` (short writes and `EINTR`
/// retried). Throws an `InputError` naming `path`.
func writeAllBytes(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32, path: String) throws {
    var offset = 0
    while offset < bytes.count {
        let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        if written < 0 {
            if errno == EINTR { continue }
            throw InputError(file: path, message: "cannot write: " + String(cString: strerror(errno)))
        }
        offset += written
    }
}

/// Whole-file helpers over `AtomicFileWriter`.
public enum AtomicFile {
    /// Writes `bytes` to `path` through a temporary file and a rename.
    public static func write<Bytes: Sequence>(_ bytes: Bytes, to path: String, sync: Bool = false) throws
    where Bytes.Element == UInt8 {
        let writer = try AtomicFileWriter(path: path)
        try writer.write(bytes)
        try writer.commit(sync: sync)
    }

    /// Streams into `path`: `body` writes through the writer; the file appears under `path` only
    /// when `body` returns normally. If `body` throws, the temporary file is removed.
    public static func write(to path: String, sync: Bool = false, _ body: (AtomicFileWriter) throws -> Void) throws {
        let writer = try AtomicFileWriter(path: path)
        do {
            try body(writer)
        } catch {
            writer.abort()
            throw error
        }
        try writer.commit(sync: sync)
    }
}

extension AtomicFile {
    /// Removes the temporary files (`.NAME.tmp-PID-N`) that writers of `path` in processes that
    /// no longer exist left behind (a `kill -9`, a crash). Best effort: failures are ignored;
    /// files of running processes are kept.
    public static func removeAbandonedTemporaries(of path: String) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let prefix = "." + url.lastPathComponent + ".tmp-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count).prefix { $0.isNumber }), pid > 0,
                  kill(pid, 0) != 0, errno == ESRCH else { continue }
            unlink(folder + "/" + name)
        }
    }

    /// Checks, before any long work, that a file can later be written at `path`: the path is
    /// not empty, not an existing folder, and its folder exists and is writable. Throws an
    /// `InputError` naming `path` (or `option`, for an empty path) otherwise; creates nothing.
    public static func checkDestination(_ path: String, option: String = "--out") throws {
        guard !path.isEmpty else { throw InputError(file: option, message: "the output file path is empty") }
        var info = stat()
        if stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR {
            throw InputError(file: path, message: "is a folder; give a file name")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard stat(folder, &info) == 0 else {
            throw InputError(file: path, message: "output folder \(folder) does not exist")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw InputError(file: path, message: "\(folder) is not a folder")
        }
        guard access(folder, W_OK) == 0 else {
            throw InputError(file: path, message: "cannot write in folder \(folder): " + String(cString: strerror(errno)))
        }
    }
}

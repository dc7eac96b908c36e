import Codecs
import Foundation

extension FuzzEntries {
    /// An IDX file's bytes (plain or gzip), through `IDXArray.read(path:)`: IDX is only read from
    /// files (zlib's gzread), so the bytes go to one scratch file per process, in memory
    /// (/dev/shm) where there is one, removed after each input.
    @discardableResult
    public static func idx(_ data: Data) -> Bool {
        let path = idxScratchPath
        guard FileManager.default.createFile(atPath: path, contents: data) else { return false }
        defer { unlink(path) }
        return accepted { _ = try IDXArray.read(path: path) }
    }

    private static let idxScratchPath: String = {
        let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        return (folder as NSString).appendingPathComponent("metasim-fuzz-idx-\(getpid())")
    }()
}

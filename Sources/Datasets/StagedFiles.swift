import Diagnostics
import Foundation

/// Reading what an interrupted writer left in its folder, for the writers' `resuming`
/// initialisers: sample images that are complete, the longest surviving copy of a streamed file
/// (committed, or `AtomicFileWriter` temporaries `.NAME.tmp-PID-N` of killed processes) and its
/// complete lines, read in chunks (memory stays bounded whatever the file's size).
///
/// A process killed with `kill -9` loses only what it had not yet handed to the kernel, so each
/// streamed file it leaves is a prefix of what an uninterrupted run writes, cut anywhere.
enum StagedFiles {
    /// Whether the file at `path` is a whole PNG: the signature at the start and the `IEND`
    /// chunk (with its fixed CRC) as its last 12 bytes. Images are written in place
    /// (`InPlaceFile`), so this catches the image a killed run was writing, cut anywhere.
    static func isCompletePNG(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 8), Array(head) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
              let end = try? handle.seekToEnd(), end >= 20 else { return false }
        try? handle.seek(toOffset: end - 12)
        guard let tail = try? handle.read(upToCount: 12) else { return false }
        return Array(tail) == [0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]
    }

    /// The temporaries `AtomicFileWriter` left for `path` (`.NAME.tmp-…` beside it).
    static func temporaries(of path: String) -> [String] {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let prefix = "." + url.lastPathComponent + ".tmp-"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasPrefix(prefix) }.sorted().map { folder + "/" + $0 }
    }

    /// The longest of `path` and its temporaries other than `except` (all prefixes of the same
    /// stream: an interrupted resume may leave a shorter copy beside a longer one), or nil
    /// when there is none.
    static func longestCopy(of path: String, except: String? = nil) -> String? {
        var best: (path: String, size: Int64)?
        for candidate in [path] + temporaries(of: path) where candidate != except {
            var info = stat()
            guard stat(candidate, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            if info.st_size > (best?.size ?? -1) { best = (candidate, Int64(info.st_size)) }
        }
        return best?.path
    }

    /// Removes `path` and its temporaries but `except` (after their content has been taken over).
    static func removeCopies(of path: String, except: String? = nil) {
        for candidate in [path] + temporaries(of: path) where candidate != except { unlink(candidate) }
    }

    /// Hands `body` the complete (newline-terminated) lines of the file at `path`, without
    /// their newlines, in order, until `body` returns false; a cut last line is not handed
    /// over. Reads 1 MiB at a time; a line may not exceed `maximumLine` bytes (the rest of the
    /// file is then ignored, as if cut there). Throws `InputError` when the file cannot be read.
    static func forEachLine(in path: String, maximumLine: Int = 1 << 28, _ body: (ArraySlice<UInt8>) throws -> Bool) throws {
        guard let input = FileHandle(forReadingAtPath: path) else {
            throw InputError(file: path, message: "cannot read the interrupted run's file")
        }
        defer { try? input.close() }
        var pending: [UInt8] = []
        while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
            pending.append(contentsOf: chunk)
            var start = 0
            while let end = pending[start...].firstIndex(of: 0x0A) {
                guard try body(pending[start..<end]) else { return }
                start = end + 1
            }
            pending.removeFirst(start)
            if pending.count > maximumLine { return }
        }
    }
}

extension StagedFiles {
    /// Removes the temporaries directly in `folder` but `except` — `AtomicFileWriter`'s
    /// `.NAME.tmp-…` and Foundation's atomic-write `.dat.nosync…` — files a killed writer was
    /// writing, which the resumed run writes again.
    static func removeTemporaries(in folder: String, except: Set<String> = []) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in names where name.hasPrefix(".") && (name.contains(".tmp-") || name.hasPrefix(".dat.nosync")) {
            let path = folder + "/" + name
            if !except.contains(path) { unlink(path) }
        }
    }

    /// Removes images `folder/NNNNNN.png` numbered `from` or more (written after the last
    /// sample kept; the resumed run writes them again).
    static func removeImages(in folder: String, from first: Int) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in names where name.hasSuffix(".png") {
            if let n = Int(name.dropLast(4)), n >= first { unlink(folder + "/" + name) }
        }
    }
}

/// The classes of a `SampleRecord` line (JSON Lines, WebDataset `.json`), all a resumed writer
/// needs of a kept sample besides its count: the objects' classes in ground-truth order, then
/// the label (the order `append` adds them to the class map).
struct SampleClasses: Decodable {
    struct Object: Decodable {
        var className: String
        enum CodingKeys: String, CodingKey { case className = "class" }
    }
    var objects: [Object]
    var label: String?
}

import Codecs
import Diagnostics

/// Writes a POSIX ustar archive, streaming, through an `AtomicFileWriter` (the archive appears
/// under its name only at `finish()`). Entries are regular files, mode 0644, owner 0/0,
/// modification time 0 (same input → same bytes). Names up to 100 bytes (no prefix field use).
public final class TarWriter {
    /// Final path of the archive.
    public let path: String
    private var file: AtomicFileWriter?
    /// Where the archive is written until `finish()` (nil after it).
    public var temporaryPath: String? { file?.temporaryPath }
    /// Files added so far.
    public private(set) var entryCount = 0

    /// Opens the archive under a temporary name beside `path` (the folder must exist). Throws
    /// `InputError` when it cannot be created.
    public init(path: String) throws {
        self.path = path
        file = try AtomicFileWriter(path: path)
    }

    /// Appends one file `name` with `contents`. Throws for names that are empty, longer than
    /// 100 bytes or not ASCII.
    public func add<Bytes: Collection>(name: String, contents: Bytes) throws where Bytes.Element == UInt8 {
        guard let file else { throw InputError(file: path, message: "add after finish") }
        let nameBytes = Array(name.utf8)
        guard !nameBytes.isEmpty, nameBytes.count <= 100, nameBytes.allSatisfy({ $0 > 0 && $0 < 128 }) else {
            throw InputError(file: path, path: name, message: "tar entry names must be 1-100 ASCII bytes")
        }
        try file.write(TarWriter.header(name: nameBytes, size: contents.count))
        try file.write(contents)
        let padding = (512 - contents.count % 512) % 512
        try file.write([UInt8](repeating: 0, count: padding))
        entryCount += 1
    }

    /// Writes the two zero blocks that end an archive and renames it into place.
    public func finish() throws {
        guard let file else { return }
        self.file = nil
        try file.write([UInt8](repeating: 0, count: 1024))
        try file.commit()
    }

    /// Drops the archive being written.
    public func abort() {
        file?.abort()
        file = nil
    }

    /// The 512-byte ustar header of a regular file.
    static func header(name: [UInt8], size: Int) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ bytes: [UInt8], at offset: Int) {
            for (i, b) in bytes.enumerated() { block[offset + i] = b }
        }
        /// `value` in octal, zero-padded to `width - 1` digits, NUL-terminated.
        func octal(_ value: Int, width: Int) -> [UInt8] {
            let digits = Array(String(value, radix: 8).utf8)
            return [UInt8](repeating: 0x30, count: max(0, width - 1 - digits.count)) + digits + [0]
        }
        put(name, at: 0)
        put(octal(0o644, width: 8), at: 100)   // mode
        put(octal(0, width: 8), at: 108)       // uid
        put(octal(0, width: 8), at: 116)       // gid
        put(octal(size, width: 12), at: 124)   // size
        put(octal(0, width: 12), at: 136)      // mtime
        put([UInt8](repeating: 0x20, count: 8), at: 148)  // checksum counts as spaces
        block[156] = 0x30                     // typeflag '0': regular file
        put(Array("ustar".utf8) + [0], at: 257)
        put(Array("00".utf8), at: 263)
        let sum = block.reduce(0) { $0 + Int($1) }
        put(octal(sum, width: 7) + [0x20], at: 148)  // six digits, NUL, space
        return block
    }
}

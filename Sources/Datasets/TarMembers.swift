import Diagnostics
import Foundation

extension TarReader {
    /// The first members of the archive at `path` (name and contents), in order, stopping after
    /// `limit` members. Throws an `InputError` naming the archive when a header is truncated or
    /// its size field is not octal, or a member is cut short.
    static func members(of path: String, limit: Int = .max) throws -> [(name: String, contents: [UInt8])] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw InputError(file: path, message: "cannot open for reading") }
        defer { try? handle.close() }
        var members: [(name: String, contents: [UInt8])] = []
        while members.count < limit {
            guard let block = try handle.read(upToCount: 512), block.count == 512 else {
                throw InputError(file: path, message: "truncated archive (no end blocks)")
            }
            let bytes = [UInt8](block)
            if bytes.allSatisfy({ $0 == 0 }) { break }
            let name = String(decoding: bytes[0..<100].prefix { $0 != 0 }, as: UTF8.self)
            let sizeText = String(decoding: bytes[124..<136].prefix { $0 != 0 && $0 != 0x20 }, as: UTF8.self)
            guard let size = Int(sizeText, radix: 8), size <= 1 << 30 else {
                throw InputError(file: path, path: name, message: "bad size field in tar header")
            }
            let padded = (size + 511) / 512 * 512
            guard let data = try handle.read(upToCount: padded), data.count == padded else {
                throw InputError(file: path, path: name, message: "member cut short")
            }
            members.append((name, Array(data.prefix(size))))
        }
        return members
    }
}

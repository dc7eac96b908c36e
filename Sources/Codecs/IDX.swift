import CZlib
import Diagnostics

/// An array read from an IDX file (the MNIST format): its dimensions and its bytes.
///
/// Only unsigned-byte data (type code 0x08, what MNIST uses) is supported. `bytes.count` is
/// the product of `dimensions`.
public struct IDXArray: Equatable, Sendable {
    /// Size of each axis, outermost first (MNIST images: `[count, rows, columns]`).
    public var dimensions: [Int]
    /// The data, row-major (last axis fastest).
    public var bytes: [UInt8]

    /// Wraps the parts without checking that `bytes.count` is the product of `dimensions`.
    public init(dimensions: [Int], bytes: [UInt8]) {
        self.dimensions = dimensions
        self.bytes = bytes
    }

    /// The most data bytes (product of the dimensions) an IDX file may declare: 2^34.
    public static let maximumBytes = 1 << 34

    /// Reads the IDX file at `path`, gzip-compressed or plain (zlib reads both transparently).
    /// Throws `InputError` (file = `path`) when the file is missing, truncated, has a bad
    /// magic number, a data type other than unsigned byte, dimensions whose product overflows
    /// or exceeds `maximumBytes`, or trailing data. Memory grows with the data actually read,
    /// never with what the header claims.
    public static func read(path: String) throws -> IDXArray {
        _ = try regularFileSize(path)
        guard let file = gzopen(path, "rb") else {
            throw InputError(file: path, message: "cannot open IDX file (missing or unreadable)")
        }
        defer { gzclose(file) }
        var header = [UInt8](repeating: 0, count: 4)
        guard readFully(file, &header, count: 4) else {
            throw InputError(file: path, message: "not an IDX file: shorter than its 4-byte magic number")
        }
        guard header[0] == 0, header[1] == 0 else {
            throw InputError(file: path, message: "not an IDX file: bad magic number (gzip data must end in .gz or be valid gzip)")
        }
        guard header[2] == 0x08 else {
            throw InputError(file: path, message: "IDX data type 0x\(String(header[2], radix: 16)) not supported (only unsigned byte, 0x08)")
        }
        let rank = Int(header[3])
        guard rank >= 1 && rank <= 8 else {
            throw InputError(file: path, message: "IDX rank \(rank) out of range 1...8")
        }
        var dimBytes = [UInt8](repeating: 0, count: 4 * rank)
        guard readFully(file, &dimBytes, count: dimBytes.count) else {
            throw InputError(file: path, message: "IDX header truncated")
        }
        var dimensions: [Int] = []
        var total = 1
        var overflow = false
        for d in 0..<rank {
            let v = dimBytes[4 * d..<4 * d + 4].reduce(0) { ($0 << 8) | Int($1) }
            dimensions.append(v)
            let product = total.multipliedReportingOverflow(by: v)
            overflow = overflow || product.overflow
            total = product.partialValue
        }
        guard !overflow, total <= maximumBytes else {
            throw InputError(file: path, message: "IDX dimensions \(dimensions) too large (more than \(maximumBytes) bytes)")
        }
        // Read in chunks, growing the array only as data arrives: a header that declares more
        // than the file holds costs no more memory than the file itself.
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: min(total, 1 << 24))
        while bytes.count < total {
            let wanted = min(chunk.count, total - bytes.count)
            guard readFully(file, &chunk, count: wanted) else {
                throw InputError(file: path, message: "IDX data truncated: expected \(total) bytes for dimensions \(dimensions)")
            }
            bytes.append(contentsOf: chunk[0..<wanted])
        }
        var extra: UInt8 = 0
        if gzread(file, &extra, 1) > 0 {
            throw InputError(file: path, message: "IDX file has data after the \(total) bytes its header declares")
        }
        return IDXArray(dimensions: dimensions, bytes: bytes)
    }

    /// Reads `count` bytes into `buffer`, looping over zlib's partial reads.
    private static func readFully(_ file: gzFile, _ buffer: inout [UInt8], count: Int) -> Bool {
        var done = 0
        while done < count {
            let chunk = UInt32(min(count - done, 1 << 30))
            let n = buffer.withUnsafeMutableBytes { gzread(file, $0.baseAddress! + done, chunk) }
            if n <= 0 { return false }
            done += Int(n)
        }
        return true
    }
}

import CZlib
import Diagnostics

/// An array read from an IDX file (the MNIST format): its dimensions and its bytes.
///
/// Only unsigned-byte data (type code 0x08, what MNIST uses) is supported. `bytes.count` is
/// the product of `dimensions`.
public struct IDXArray: Equatable, Sendable {
    public var dimensions: [Int]
    public var bytes: [UInt8]

    public init(dimensions: [Int], bytes: [UInt8]) {
        self.dimensions = dimensions
        self.bytes = bytes
    }

    /// Reads the IDX file at `path`, gzip-compressed or plain (zlib reads both transparently).
    /// Throws `InputError` (file = `path`) when the file is missing, truncated, has a bad
    /// magic number, a data type other than unsigned byte, or trailing data.
    public static func read(path: String) throws -> IDXArray {
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
        for d in 0..<rank {
            let v = dimBytes[4 * d..<4 * d + 4].reduce(0) { ($0 << 8) | Int($1) }
            dimensions.append(v)
            total = total.multipliedReportingOverflow(by: v).partialValue
        }
        guard total >= 0, total <= 1 << 34 else {
            throw InputError(file: path, message: "IDX dimensions \(dimensions) too large")
        }
        var bytes = [UInt8](repeating: 0, count: total)
        guard readFully(file, &bytes, count: total) else {
            throw InputError(file: path, message: "IDX data truncated: expected \(total) bytes for dimensions \(dimensions)")
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

/// TFRecord framing, the container of TensorBoard event files: each record is
/// `uint64 length (little-endian) · uint32 masked CRC-32C of those 8 bytes · data ·
/// uint32 masked CRC-32C of data`.
public enum TFRecord {
    /// `data` framed as one record.
    public static func frame(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + 16)
        let length = withUnsafeBytes(of: UInt64(data.count).littleEndian) { Array($0) }
        out += length
        withUnsafeBytes(of: CRC32C.masked(length).littleEndian) { out += $0 }
        out += data
        withUnsafeBytes(of: CRC32C.masked(data).littleEndian) { out += $0 }
        return out
    }

    /// The records in `bytes`, in order. Returns nil when the framing or a CRC is wrong (a
    /// truncated or corrupt file), so tests and readers can tell.
    public static func records(in bytes: [UInt8]) -> [[UInt8]]? {
        func u32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[at + $1]) << (8 * $1) } }
        var records: [[UInt8]] = []
        var i = 0
        while i < bytes.count {
            guard i + 16 <= bytes.count else { return nil }
            let lengthBytes = Array(bytes[i..<(i + 8)])
            let length = (0..<8).reduce(UInt64(0)) { $0 | UInt64(lengthBytes[$1]) << (8 * UInt64($1)) }
            guard u32(i + 8) == CRC32C.masked(lengthBytes), length <= UInt64(bytes.count - i - 16) else { return nil }
            let start = i + 12, end = start + Int(length)
            let data = Array(bytes[start..<end])
            guard u32(end) == CRC32C.masked(data) else { return nil }
            records.append(data)
            i = end + 4
        }
        return records
    }
}

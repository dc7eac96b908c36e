/// An ASCII name of at most 15 bytes as two words: its bytes in order, zero-padded, and its length
/// in the top byte (little-endian words). Two packed names are equal exactly when the names are
/// (Swift compares strings by canonical equivalence, which for two ASCII strings is byte
/// equality); comparing them costs two word comparisons instead of hashing or a string
/// comparison (attribute names in `AttributeReader`, class names in `ObjectAvoidance`).
struct PackedName: Equatable, Sendable {
    var low: UInt64
    var high: UInt64

    enum Packing: Sendable { case packed(PackedName), longASCII, other }

    /// `name` packed; `.longASCII` for ASCII names over 15 bytes, `.other` for names that are not
    /// ASCII (or not stored contiguously).
    @inline(__always) static func pack(_ name: String) -> Packing {
        name.utf8.withContiguousStorageIfAvailable { bytes -> Packing in
            if bytes.count > 15 { return bytes.allSatisfy({ $0 < 0x80 }) ? .longASCII : .other }
            var words = (UInt64(0), UInt64(0))
            withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: UnsafeRawBufferPointer(bytes)) }
            let low = UInt64(littleEndian: words.0), high = UInt64(littleEndian: words.1)
            if (low | high) & 0x8080_8080_8080_8080 != 0 { return .other }
            return .packed(PackedName(low: low, high: high | UInt64(bytes.count) << 56))
        } ?? .other
    }

    /// `a == b` as strings: by their packed words when both pack, else compared as strings.
    @inline(__always) static func equal(_ a: Packing, _ b: Packing, _ aName: String, _ bName: String) -> Bool {
        if case .packed(let x) = a, case .packed(let y) = b { return x == y }
        return aName == bName
    }
}

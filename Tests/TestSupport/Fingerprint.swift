/// FNV-1a (64 bit) over a stream of values: a fingerprint of outputs that must stay bit for bit
/// the same (floats enter by their bit patterns, so −0 and +0 or two NaNs differ).
public struct Fingerprint {
    /// The hash so far.
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    /// Mixes one 64-bit value in.
    public mutating func mix(_ v: UInt64) { value = (value ^ v) &* 0x0000_0100_0000_01b3 }
    /// Mixes each value's bit pattern in.
    public mutating func mix(_ values: [Float]) { for v in values { mix(UInt64(v.bitPattern)) } }
    /// Mixes each value in.
    public mutating func mix(_ values: [UInt16]) { for v in values { mix(UInt64(v)) } }
    /// Mixes each byte in.
    public mutating func mix<S: Sequence>(bytes: S) where S.Element == UInt8 { for b in bytes { mix(UInt64(b)) } }
}

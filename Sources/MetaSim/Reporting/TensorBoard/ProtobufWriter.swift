import Foundation

/// A minimal protocol-buffers wire-format encoder: enough for the few TensorBoard messages we
/// write (`Event`, `Summary`, `Summary.Image`, `HistogramProto`). Fields are appended in call
/// order; nested messages are encoded separately and added as length-delimited bytes.
///
/// Wire types: 0 varint (`int32`/`int64`/`bool`; negative values as 10-byte two's complement),
/// 1 64-bit (`double`), 2 length-delimited (`string`, `bytes`, messages, packed repeated
/// `double`), 5 32-bit (`float`).
public struct ProtobufWriter {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    private mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    private mutating func key(_ field: Int, _ wireType: UInt64) {
        varint(UInt64(field) << 3 | wireType)
    }

    private mutating func littleEndian<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// An `int32`/`int64` field (varint).
    public mutating func int(_ field: Int, _ value: Int64) {
        key(field, 0)
        varint(UInt64(bitPattern: value))
    }

    /// A `double` field (64-bit little-endian).
    public mutating func double(_ field: Int, _ value: Double) {
        key(field, 1)
        littleEndian(value.bitPattern)
    }

    /// A `float` field (32-bit little-endian).
    public mutating func float(_ field: Int, _ value: Float) {
        key(field, 5)
        littleEndian(value.bitPattern)
    }

    /// A `bytes` field, or a nested message already encoded.
    public mutating func bytes(_ field: Int, _ value: [UInt8]) {
        key(field, 2)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A `string` field (UTF-8).
    public mutating func string(_ field: Int, _ value: String) {
        bytes(field, Array(value.utf8))
    }

    /// A nested message.
    public mutating func message(_ field: Int, _ value: ProtobufWriter) {
        bytes(field, value.bytes)
    }

    /// A packed `repeated double` field.
    public mutating func packedDoubles(_ field: Int, _ values: [Double]) {
        var packed = ProtobufWriter()
        for v in values { packed.littleEndian(v.bitPattern) }
        bytes(field, packed.bytes)
    }
}

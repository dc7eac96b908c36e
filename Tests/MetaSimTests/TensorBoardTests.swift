import Foundation
import XCTest
@testable import MetaSim

/// The hand-written TensorBoard encoding: CRC-32C, protobuf wire format, TFRecord framing and
/// whole event files read back with a small protobuf reader of the test's own.
final class TensorBoardTests: XCTestCase {
    func testCRC32CCheckVector() {
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0, count: 32)), 0x8A91_36AA)  // RFC 3720 B.4
        let crc = CRC32C.checksum(Array("123456789".utf8))
        XCTAssertEqual(CRC32C.masked(Array("123456789".utf8)), ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8)
    }

    func testProtobufWireFormat() {
        var w = ProtobufWriter()
        w.int(1, 150)                       // the protobuf documentation's example: 08 96 01
        w.string(2, "testing")              // 12 07 74 65 73 74 69 6e 67
        w.float(3, 1)                       // 1d 00 00 80 3f
        w.int(4, -1)                        // ten-byte varint
        XCTAssertEqual(w.bytes, [0x08, 0x96, 0x01, 0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6E, 0x67, 0x1D, 0x00, 0x00, 0x80, 0x3F,
                                 0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
    }

    func testTFRecordRoundTripAndCorruption() {
        let framed = TFRecord.frame([1, 2, 3]) + TFRecord.frame([]) + TFRecord.frame(Array(repeating: 7, count: 300))
        XCTAssertEqual(TFRecord.records(in: framed)?.map(\.count), [3, 0, 300])
        var corrupt = framed
        corrupt[13] ^= 1
        XCTAssertNil(TFRecord.records(in: corrupt), "a flipped data byte fails the data CRC")
        XCTAssertNil(TFRecord.records(in: Array(framed.dropLast())), "a truncated file is refused")
    }

    func testEventFileHoldsScalarsImagesAndHistograms() throws {
        let dir = NSTemporaryDirectory() + "tb-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writer = try EventFileWriter(directory: dir)
        try writer.scalar("matching/mmd", 0.25, step: 7)
        try writer.image("grids/x", png: [0x89, 0x50], width: 3, height: 2, channels: 1, step: 1)
        try writer.histogram("histogram/learned/yaw", AttributeHistogram(values: [1, 2, 2, 9], min: 0, max: 10, bins: 5), step: 2)
        let records = try XCTUnwrap(TFRecord.records(in: Array(try Data(contentsOf: URL(fileURLWithPath: writer.path)))))
        XCTAssertEqual(records.count, 4)
        XCTAssertEqual(fields(records[0])[3]?.first.map { String(decoding: $0.bytes, as: UTF8.self) }, "brain.Event:2")

        let scalarEvent = fields(records[1])
        XCTAssertEqual(scalarEvent[2]?.first?.number, 7, "step")
        let value = fields(fields(try XCTUnwrap(scalarEvent[5]?.first?.bytes))[1]![0].bytes)
        XCTAssertEqual(String(decoding: value[1]![0].bytes, as: UTF8.self), "matching/mmd")
        XCTAssertEqual(Float(bitPattern: UInt32(value[2]![0].number)), 0.25)

        let imageValue = fields(fields(fields(records[2])[5]![0].bytes)[1]![0].bytes)
        let image = fields(imageValue[4]![0].bytes)
        XCTAssertEqual([image[1]![0].number, image[2]![0].number, image[3]![0].number], [2, 3, 1], "height, width, colourspace")
        XCTAssertEqual(image[4]![0].bytes, [0x89, 0x50])

        let histoValue = fields(fields(fields(records[3])[5]![0].bytes)[1]![0].bytes)
        let histo = fields(histoValue[5]![0].bytes)
        XCTAssertEqual(Double(bitPattern: histo[3]![0].number), 4, "num")
        XCTAssertEqual(doubles(histo[7]![0].bytes), [1, 2, 0, 0, 1], "bucket counts")
        XCTAssertEqual(doubles(histo[6]![0].bytes), [2, 4, 6, 8, 10], "bucket upper limits")
    }

    // MARK: A protobuf reader for the test (numbers: varint or fixed-width bits; bytes: length-delimited).

    struct Field { var number: UInt64 = 0; var bytes: [UInt8] = [] }

    func fields(_ b: [UInt8]) -> [Int: [Field]] {
        var out: [Int: [Field]] = [:]
        var i = 0
        func varint() -> UInt64 {
            var v: UInt64 = 0, shift: UInt64 = 0
            while true { let byte = b[i]; i += 1; v |= UInt64(byte & 0x7F) << shift; shift += 7; if byte < 0x80 { return v } }
        }
        func fixed(_ n: Int) -> UInt64 { defer { i += n }; return (0..<n).reduce(0) { $0 | UInt64(b[i + $1]) << (8 * UInt64($1)) } }
        while i < b.count {
            let key = varint()
            var field = Field()
            switch key & 7 {
            case 0: field.number = varint()
            case 1: field.number = fixed(8)
            case 5: field.number = fixed(4)
            case 2: let n = Int(varint()); field.bytes = Array(b[i..<(i + n)]); i += n
            default: XCTFail("wire type \(key & 7)"); return out
            }
            out[Int(key >> 3), default: []].append(field)
        }
        return out
    }

    func doubles(_ b: [UInt8]) -> [Double] {
        stride(from: 0, to: b.count, by: 8).map { at in
            Double(bitPattern: (0..<8).reduce(UInt64(0)) { $0 | UInt64(b[at + $1]) << (8 * UInt64($1)) })
        }
    }
}

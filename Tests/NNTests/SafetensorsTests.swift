import Diagnostics
import Foundation
import NN
import Tensor
import XCTest

final class SafetensorsTests: XCTestCase {
    func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("metasim-\(UUID().uuidString)-\(name)").path
    }

    func testWriteProducesTheStandardByteLayoutAndRoundTrips() throws {
        let tensors = ["b": Tensor(shape: [2], data: [1.5, -2]), "a": Tensor(shape: [1, 1], data: [3])]
        let bytes = try safetensorsBytes(tensors, metadata: ["format": "pt"])
        let n = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        XCTAssertEqual(n % 8, 0)
        let header = try JSONSerialization.jsonObject(with: bytes.subdata(in: 8..<(8 + n))) as! [String: Any]
        let a = header["a"] as! [String: Any], b = header["b"] as! [String: Any]
        XCTAssertEqual(a["dtype"] as? String, "F32")
        XCTAssertEqual(a["data_offsets"] as? [Int], [0, 4])
        XCTAssertEqual(b["data_offsets"] as? [Int], [4, 12])
        XCTAssertEqual(b["shape"] as? [Int], [2])
        XCTAssertEqual((header["__metadata__"] as? [String: String])?["format"], "pt")
        // raw little-endian float32 data: 3.0 = 0x40400000, 1.5 = 0x3FC00000
        XCTAssertEqual(Array(bytes.suffix(12)), [0, 0, 0x40, 0x40, 0, 0, 0xC0, 0x3F, 0, 0, 0, 0xC0])

        let path = temporaryPath("round.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try writeSafetensors(tensors, metadata: ["format": "pt"], to: path)
        let file = try SafetensorsFile(path: path)
        XCTAssertEqual(file.names, ["a", "b"])
        XCTAssertEqual(try file.tensor("b").data, [1.5, -2])
        XCTAssertEqual(file.metadata["format"], "pt")
    }

    func testReadsTheRealEfficientNetFile() throws {
        let file = try SafetensorsFile(path: effnetWeights)
        XCTAssertEqual(file.names.count, 247)
        let stem = try file.tensor("_conv_stem.weight")
        XCTAssertEqual(stem.shape, [32, 3, 3, 3])
        XCTAssertTrue(stem.data.allSatisfy { $0.isFinite })
        XCTAssertEqual(file.metadata["architecture"], "efficientnet-lite0")
    }

    func testOtherDtypesConvert() throws {
        func file(dtype: String, shape: [Int], payload: [UInt8]) throws -> SafetensorsFile {
            let header = "{\"x\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":[0,\(payload.count)]}}"
            var bytes = Data()
            withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: Array(header.utf8))
            bytes.append(contentsOf: payload)
            return try SafetensorsFile(bytes: bytes, path: "t.safetensors")
        }
        XCTAssertEqual(try file(dtype: "F16", shape: [1], payload: [0x00, 0x3C]).tensor("x").data, [1])      // 1.0
        XCTAssertEqual(try file(dtype: "BF16", shape: [1], payload: [0xC0, 0x3F]).tensor("x").data, [1.5])
        XCTAssertEqual(try file(dtype: "I64", shape: [1], payload: [0xFE] + Array(repeating: 0xFF, count: 7)).tensor("x").data, [-2])
        XCTAssertEqual(try file(dtype: "F64", shape: [1], payload: [0, 0, 0, 0, 0, 0, 0xF0, 0x3F]).tensor("x").data, [1])
        XCTAssertThrowsError(try file(dtype: "U8", shape: [1], payload: [1])) { error in
            XCTAssertEqual((error as? InputError)?.path, "x")
            XCTAssertTrue("\(error)".contains("unsupported dtype U8"))
        }
        XCTAssertThrowsError(try file(dtype: "F32", shape: [2], payload: [0, 0, 0, 0])) { error in
            XCTAssertEqual((error as? InputError)?.path, "x")
        }
    }

    func testBrokenFilesThrowNamingFileAndTensor() throws {
        let good = try safetensorsBytes(["w": Tensor(shape: [4], data: [1, 2, 3, 4])])
        func expectError(_ bytes: Data, contains text: String, line: UInt = #line) {
            XCTAssertThrowsError(try SafetensorsFile(bytes: bytes, path: "model.safetensors"), line: line) { error in
                let message = "\(error)"
                XCTAssertTrue(message.contains("model.safetensors") && message.contains(text), message, line: line)
            }
        }
        expectError(good.prefix(5), contains: "truncated")
        expectError(good.prefix(20), contains: "truncated")
        expectError(good.dropLast(4), contains: "w")
        var malformed = good
        malformed[8] = UInt8(ascii: "[")
        expectError(malformed, contains: "header")
        let file = try SafetensorsFile(bytes: good, path: "model.safetensors")
        XCTAssertThrowsError(try file.tensor("missing")) { error in
            XCTAssertEqual(error as? InputError, InputError(file: "model.safetensors", path: "missing", message: "no tensor of this name in the file"))
        }
        XCTAssertThrowsError(try SafetensorsFile(path: "/nonexistent/x.safetensors"))
    }
}

import Diagnostics
import Foundation
import NN
import XCTest

/// Headers declaring shapes whose element count overflows `Int` (found while writing the
/// safetensors fuzz target): they used to trap in the byte-count check; now they are input errors.
/// The same inputs are in Fuzz/corpus/safetensors/crash-*.
final class SafetensorsShapeOverflowTests: XCTestCase {
    /// A file with one tensor `x` whose header says `shape` and `offsets`, followed by `data` bytes.
    func file(shape: [Int], offsets: [Int], dtype: String = "F32", data: Int = 0) -> Data {
        let header = try! JSONSerialization.data(withJSONObject: ["x": ["dtype": dtype, "shape": shape, "data_offsets": offsets]])
        var out = Data()
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
        return out + header + Data(count: data)
    }

    func testShapeWhoseElementCountOverflowsIsAnInputError() {
        for shape in [[1 << 32, 1 << 32], [1 << 62, 4], [Int.max, 2, 1]] {
            XCTAssertThrowsError(try SafetensorsFile(bytes: file(shape: shape, offsets: [0, 0]), path: "big.safetensors")) { error in
                XCTAssertEqual((error as? InputError)?.path, "x", "\(shape): \(error)")
            }
        }
        // Overflow only through the element size (2^62 elements of 4 bytes).
        XCTAssertThrowsError(try SafetensorsFile(bytes: file(shape: [1 << 62], offsets: [0, 0]), path: "big.safetensors"))
    }

    func testEmptyTensorWithHugeDimensionsIsRejectedNotTrapped() {
        // Holds no data, but multiplying its dimensions in order overflows before reaching the 0.
        XCTAssertThrowsError(try SafetensorsFile(bytes: file(shape: [1 << 62, 4, 0], offsets: [0, 0]), path: "e.safetensors"))
    }

    func testEmptyTensorWithSmallDimensionsStillReads() throws {
        let f = try SafetensorsFile(bytes: file(shape: [3, 0], offsets: [0, 0]), path: "e.safetensors")
        XCTAssertEqual(try f.tensor("x").shape, [3, 0])
        XCTAssertEqual(try f.tensor("x").data, [])
    }
}

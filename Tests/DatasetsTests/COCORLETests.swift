import Diagnostics
import XCTest
@testable import Datasets

final class COCORLETests: XCTestCase {
    func randomMask(width: Int, height: Int, density: Double, generator: inout SystemRandomNumberGenerator) -> [Bool] {
        (0..<width * height).map { _ in Double.random(in: 0..<1, using: &generator) < density }
    }

    func testCountsFollowColumnMajorOrderStartingWithBackground() {
        // 2×2, only (row 0, column 1): column-major order is (0,0) (1,0) (0,1) (1,1).
        XCTAssertEqual(COCORLE(rowMajorMask: [false, true, false, false], width: 2, height: 2).counts, [2, 1, 1])
        // First pixel foreground: a leading zero-length background run.
        XCTAssertEqual(COCORLE(rowMajorMask: [true, false, true, false], width: 2, height: 2).counts, [0, 2, 2])
        XCTAssertEqual(COCORLE(rowMajorMask: [false, false], width: 1, height: 2).counts, [2])
    }

    func testRandomMasksRoundTripThroughCountsAndCompressedString() throws {
        var generator = SystemRandomNumberGenerator()
        for trial in 0..<200 {
            let width = Int.random(in: 1...40, using: &generator), height = Int.random(in: 1...40, using: &generator)
            let mask = randomMask(width: width, height: height, density: [0.02, 0.5, 0.97][trial % 3], generator: &generator)
            let rle = COCORLE(rowMajorMask: mask, width: width, height: height)
            XCTAssertEqual(rle.counts.reduce(0, +), width * height)
            XCTAssertEqual(rle.rowMajorMask(), mask)
            XCTAssertEqual(rle.area, mask.filter { $0 }.count)
            let decoded = try COCORLE(height: height, width: width, compressed: rle.compressedCounts)
            XCTAssertEqual(decoded.counts, rle.counts, "trial \(trial)")
        }
    }

    func testCompressedStringHandlesLargeAndDecreasingCounts() throws {
        let counts = [100_000, 3, 70_000, 1, 5, 40_000, 0]
        let total = counts.reduce(0, +)
        let rle = COCORLE(height: 1, width: total, counts: counts)
        XCTAssertEqual(try COCORLE(height: 1, width: total, compressed: rle.compressedCounts).counts, counts)
        XCTAssertTrue(rle.compressedCounts.utf8.allSatisfy { $0 >= 48 && $0 < 112 })
    }

    func testBadCompressedCountsThrow() {
        XCTAssertEqual(try COCORLE(height: 2, width: 2, compressed: "4").counts, [4])
        XCTAssertThrowsError(try COCORLE(height: 2, width: 2, compressed: "3", file: "a.json")) { error in
            XCTAssertEqual((error as? InputError)?.file, "a.json", "3 pixels for a 2x2 mask")
        }
        XCTAssertThrowsError(try COCORLE(height: 2, width: 2, compressed: "\u{7F}"))
        XCTAssertThrowsError(try COCORLE(height: 2, width: 2, compressed: "p"), "0x20 set on the last group: truncated")
    }

    func testInstancesMatchPerIdMasks() {
        var generator = SystemRandomNumberGenerator()
        let width = 23, height = 17
        let ids = (0..<width * height).map { _ in UInt16.random(in: 0...4, using: &generator) }
        let all = COCORLE.instances(of: ids, width: width, height: height)
        for id in 1...4 {
            let expected = COCORLE(rowMajorMask: ids.map { $0 == UInt16(id) }, width: width, height: height)
            XCTAssertEqual(all[id], expected, "instance \(id)")
        }
        XCTAssertNil(COCORLE.instances(of: [0, 0], width: 2, height: 1)[1])
        // Sparse ids (some never occurring), a one-column and an all-foreground mask.
        for (w, h, palette) in [(13, 11, [0, 2, 9, 65535] as [UInt16]), (1, 19, [0, 5]), (6, 4, [3])] {
            let sparse = (0..<w * h).map { _ in palette.randomElement(using: &generator)! }
            let found = COCORLE.instances(of: sparse, width: w, height: h)
            XCTAssertEqual(Set(found.keys), Set(sparse.filter { $0 != 0 }.map(Int.init)))
            for id in found.keys {
                XCTAssertEqual(found[id], COCORLE(rowMajorMask: sparse.map { Int($0) == id }, width: w, height: h), "id \(id)")
            }
        }
    }

    func testCodableAcceptsCompressedAndUncompressed() throws {
        let rle = COCORLE(rowMajorMask: [true, false, false, true, true, false], width: 3, height: 2)
        let compressed = try JSONEncoder().encode(rle)
        XCTAssertEqual(try JSONDecoder().decode(COCORLE.self, from: compressed), rle)
        let uncompressed = try JSONEncoder().encode(rle.uncompressedJSON)
        XCTAssertEqual(try JSONDecoder().decode(COCORLE.self, from: uncompressed), rle)
    }
}

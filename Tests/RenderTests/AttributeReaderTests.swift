import Scene
import XCTest
@testable import Render

/// `AttributeReader.value(_:)` finds names two ways (packed ASCII names compared as two words, or
/// hashing for names that are not ASCII, longer than 15 bytes, or on a node with such a name);
/// both must answer as the dictionary itself does, canonical equivalence included (U+212A KELVIN
/// SIGN is the same string as "K").
final class AttributeReaderTests: XCTestCase {
    func testEveryWayOfLookingUpAnswersAsTheDictionary() {
        let pool = ["x", "y", "K", "\u{212A}", "color_r", "color_g", "color_b", "size", "size_x", "size_y",
                    "exactly15bytes_", "exactly16bytes__", "a_rather_long_attribute_name", "caf\u{E9}",
                    "cafe\u{301}", "\u{212A}\u{212A}\u{212A}\u{212A}\u{212A}", "KKKKK", "rotation", "z_order", "", "x\0"]
        var rng = TestRandom(state: 11)
        for trial in 0..<300 {
            var attributes: [String: AttributeValue] = [:]
            let count = trial % 14
            while attributes.count < count {
                attributes[pool[Int(rng.next() % UInt64(pool.count))]] = .number(rng.uniform(-5, 5))
            }
            let reader = AttributeReader(attributes: attributes, graphIndex: 0, nodeIndex: 0)
            for name in pool + ["absent", "color_", "x\0\0"] {
                XCTAssertEqual(reader.value(name), attributes[name], "\(name) among \(attributes.keys.sorted())")
            }
        }
    }

    func testPackingKeepsEveryByteAndTheLength() {
        guard case .packed(let a) = PackedName.pack("x"), case .packed(let b) = PackedName.pack("x\0"),
              case .packed(let c) = PackedName.pack("exactly15bytes_"), case .packed(let d) = PackedName.pack("exactly15bytes-")
        else { return XCTFail("short ASCII names pack") }
        XCTAssertNotEqual(a, b)
        XCTAssertNotEqual(c, d)
        guard case .longASCII = PackedName.pack("exactly16bytes__") else { return XCTFail("16 bytes do not pack") }
        guard case .other = PackedName.pack("caf\u{E9}") else { return XCTFail("non-ASCII does not pack") }
        guard case .other = PackedName.pack("a_rather_long_attribute_name_\u{E9}") else { return XCTFail("long non-ASCII") }
    }
}

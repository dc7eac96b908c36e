import XCTest
@testable import Scene

final class SceneEncoderTests: XCTestCase {
    private let schema = EncodingSchema(
        classes: ["Image", "digit"],
        attributes: [
            EncodedAttribute(name: "x", range: AttributeRange(min: 0, max: 32), ruleRanges: ["Big": AttributeRange(min: 0, max: 64)]),
            EncodedAttribute(name: "yaw", range: AttributeRange(min: 0, max: 360, wrap: true), unencodedRules: ["Plain"]),
        ])

    private func graphs() -> [SceneGraph] {
        var a = SceneGraph()
        a.add(SceneNode(rule: "Image", className: "Image", attributes: ["x": .number(8)]), parent: nil)
        a.add(SceneNode(rule: "Digit", className: "digit", attributes: ["x": .number(24), "yaw": .number(90), "texture": .string("Random")],
                        mutable: ["x", "yaw"]), parent: 0)
        a.add(SceneNode(rule: "Big", className: "other", attributes: ["x": .number(16), "yaw": .number(-90)], mutable: ["x"]), parent: 1)
        var b = SceneGraph()
        b.add(SceneNode(rule: "Digit", className: "digit", attributes: ["yaw": .number(10)], mutable: ["yaw"]), parent: nil)
        return [a, b]
    }

    func testRulesThatDoNotEncodeAnAttributeGetZeroAndMaskZero() {
        var g = SceneGraph()
        g.add(SceneNode(rule: "Plain", className: "digit", attributes: ["yaw": .number(90)], mutable: ["yaw"]), parent: nil)
        let batch = SceneEncoder(schema).encode([g])
        XCTAssertEqual(batch.features, [0, 1, 0, 0])
        XCTAssertEqual(batch.mutableMask, [0, 0, 0, 0])
        var gs = [g]
        SceneEncoder(schema).decode([0, 0, 0.5, 0.5], into: &gs)
        XCTAssertEqual(gs[0].nodes[0].number("yaw"), 90)
    }

    func testEncodingLayoutMasksAndPadding() {
        let batch = SceneEncoder(schema).encode(graphs())
        XCTAssertEqual(batch.featureShape, [2, 3, 4])
        XCTAssertEqual(batch.featureNames, ["class=Image", "class=digit", "x", "yaw"])
        XCTAssertEqual(batch.nodeCounts, [3, 1])
        XCTAssertEqual(batch.nodeMask, [1, 1, 1, 1, 0, 0])
        let f = { (g: Int, n: Int, c: Int) in batch.features[batch.offset(graph: g, node: n, column: c)] }
        let m = { (g: Int, n: Int, c: Int) in batch.mutableMask[batch.offset(graph: g, node: n, column: c)] }
        XCTAssertEqual([f(0, 0, 0), f(0, 0, 1), f(0, 0, 2), f(0, 0, 3)], [1, 0, 0.25, 0])
        XCTAssertEqual([f(0, 1, 0), f(0, 1, 1), f(0, 1, 2), f(0, 1, 3)], [0, 1, 0.75, 0.25])
        // Rule "Big" normalises x by its own range; yaw -90 wraps to 270; unknown class: no one-hot.
        XCTAssertEqual([f(0, 2, 0), f(0, 2, 1), f(0, 2, 2), f(0, 2, 3)], [0, 0, 0.25, 0.75])
        XCTAssertEqual([m(0, 0, 2), m(0, 1, 0), m(0, 1, 2), m(0, 1, 3), m(0, 2, 2), m(0, 2, 3)], [0, 0, 1, 1, 1, 0])
        XCTAssertEqual([f(1, 0, 2), m(1, 0, 2), f(1, 0, 3), m(1, 0, 3)], [0, 0, Float(10.0 / 360), 1], "missing x encodes as 0, mask 0")
        XCTAssertEqual(Array(batch.features[batch.offset(graph: 1, node: 1, column: 0)...]), [Float](repeating: 0, count: 8))
        var adjacency = [Float](repeating: 0, count: 18)
        adjacency[0 * 3 + 1] = 1
        adjacency[1 * 3 + 2] = 1
        XCTAssertEqual(batch.adjacency, adjacency)
    }

    func testDecodingTheEncodingChangesNothing() {
        let original = graphs()
        let encoder = SceneEncoder(schema)
        var decoded = original
        encoder.decode(encoder.encode(original).features, into: &decoded)
        for (a, b) in zip(original, decoded) {
            for (x, y) in zip(a.nodes, b.nodes) {
                XCTAssertEqual(x.className, y.className)
                XCTAssertEqual(x.mutable, y.mutable)
                for (name, value) in x.attributes {
                    if case .number(let v) = value, x.mutable.contains(name) {
                        let range = name == "yaw" ? AttributeRange(min: 0, max: 360, wrap: true) : schema.attributes[0].range(forRule: x.rule)!
                        XCTAssertEqual(y.number(name)!, range.fit(v), accuracy: 1e-4, "\(x.rule).\(name)")
                    } else {
                        XCTAssertEqual(y.attributes[name], value, "\(x.rule).\(name) must be untouched")
                    }
                }
            }
        }
    }

    func testDecodeWritesOnlyMutableValuesAndWrapsOrClamps() {
        var gs = graphs()
        let encoder = SceneEncoder(schema)
        var features = [Float](repeating: 1.25, count: 2 * 3 * 4)  // everything out of range
        features[encoder.encode(gs).offset(graph: 1, node: 0, column: 3)] = .nan
        encoder.decode(features, into: &gs)
        XCTAssertEqual(gs[0].nodes[0].number("x"), 8, "immutable")
        XCTAssertEqual(gs[0].nodes[1].number("x"), 32, "clamped to max")
        XCTAssertEqual(gs[0].nodes[1].number("yaw")!, 90, accuracy: 1e-9, "1.25 turns wraps to 90°")
        XCTAssertEqual(gs[0].nodes[2].number("x"), 64, "rule range")
        XCTAssertEqual(gs[0].nodes[2].number("yaw"), -90, "immutable yaw untouched")
        XCTAssertEqual(gs[1].nodes[0].number("yaw"), 10, "NaN leaves the value")
        XCTAssertNil(gs[1].nodes[0].attributes["x"], "missing attributes are not created")
        XCTAssertEqual(gs[0].nodes[1].className, "digit")
    }

    func testEmptyBatch() {
        let batch = SceneEncoder(schema).encode([])
        XCTAssertEqual(batch.featureShape, [0, 0, 4])
        XCTAssert(batch.features.isEmpty && batch.adjacency.isEmpty && batch.nodeMask.isEmpty)
    }

    func testRangeFitWrapsAndClamps() {
        let angle = AttributeRange(min: 0, max: 360, wrap: true)
        XCTAssertEqual(angle.fit(-10), 350, accuracy: 1e-12)
        XCTAssertEqual(angle.fit(720), 0)
        XCTAssertEqual(angle.fit(359.5), 359.5)
        let unit = AttributeRange(min: -1, max: 1)
        XCTAssertEqual(unit.fit(3), 1)
        XCTAssertEqual(unit.normalise(0), 0.5)
        XCTAssertEqual(unit.denormalise(-2), -1)
        XCTAssert(unit.normalise(.nan).isNaN)
    }
}

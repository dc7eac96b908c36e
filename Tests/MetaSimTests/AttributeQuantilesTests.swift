import Scene
import XCTest
@testable import MetaSim

final class AttributeQuantilesTests: XCTestCase {
    let schema = EncodingSchema(classes: [], attributes: [
        EncodedAttribute(name: "x", range: AttributeRange(min: 0, max: 100)),
        EncodedAttribute(name: "yaw", range: AttributeRange(min: -180, max: 180, wrap: true)),
    ])

    func graphs(_ pairs: [(Double, Double)]) -> [SceneGraph] {
        pairs.map { x, yaw in
            SceneGraph(nodes: [SceneNode(rule: "A", className: "A", attributes: ["x": .number(x), "yaw": .number(yaw)], mutable: ["x", "yaw"])])
        }
    }

    /// 0, 1, …, 100: the type-7 quantiles at 5/25/50/75/95 % are 5, 25, 50, 75, 95 exactly.
    func testLinearQuantilesOfZeroToHundred() {
        let q = attributeQuantiles(graphs((0...100).map { (Double($0), 0) }), schema: schema, names: ["x"])
        XCTAssertEqual(q["x"], [5, 25, 50, 75, 95])
        XCTAssertNil(q["yaw"], "only the names asked for")
        XCTAssertEqual(quantiles([1, 2], levels: [0, 0.5, 1]), [1, 1.5, 2])
    }

    /// Yaws 170°, 175°, …, 190° (stored as −170… after wrapping) surround 180°: the median is
    /// 180° (the range's −180), the quartiles 175° and −175°; a plain sort would give ~0°.
    func testWrappingQuantilesFollowTheCircle() throws {
        let yaws = stride(from: 170.0, through: 190, by: 1).map { $0 > 180 ? $0 - 360 : $0 }
        let q = try XCTUnwrap(attributeQuantiles(graphs(yaws.map { (0, $0) }), schema: schema, names: ["yaw"])["yaw"])
        XCTAssertEqual(q[2], -180, accuracy: 1e-9)
        XCTAssertEqual(q[1], 175, accuracy: 1e-9)
        XCTAssertEqual(q[3], -175, accuracy: 1e-9)
        XCTAssertEqual(q[0], 171, accuracy: 1e-9)
    }
}

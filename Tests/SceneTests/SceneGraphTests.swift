import XCTest
@testable import Scene

final class SceneGraphTests: XCTestCase {
    func testEdgesDeriveFromParents() {
        var g = SceneGraph()
        let root = g.add(SceneNode(rule: "Image", className: "Image"), parent: nil)
        let a = g.add(SceneNode(rule: "Scene", className: "Scene"), parent: root)
        _ = g.add(SceneNode(rule: "Digit", className: "3", attributes: ["yaw": .number(10)], mutable: ["yaw"]), parent: a)
        XCTAssertEqual(g.edges, [SceneEdge(parent: 0, child: 1), SceneEdge(parent: 1, child: 2)])
        XCTAssertEqual(g.children(of: 0), [1])
        XCTAssertEqual(g.nodes[2].number("yaw"), 10)
    }

    func testJSONRoundTripIsByteStable() throws {
        var g = SceneGraph()
        g.add(SceneNode(rule: "Digit", className: "7", attributes: ["yaw": .number(-3.5), "texture": .string("Random"), "flip": .bool(true)],
                        mutable: ["yaw", "flip"], asset: AssetRef(store: "mnist-train", index: 5)), parent: nil)
        let data = try SceneGraph.jsonEncoder().encode(g)
        let back = try JSONDecoder().decode(SceneGraph.self, from: data)
        XCTAssertEqual(back, g)
        XCTAssertEqual(try SceneGraph.jsonEncoder().encode(back), data)
    }
}

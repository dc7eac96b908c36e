import Scene
import XCTest
@testable import MetaSim

final class FeatureSensitivityTests: XCTestCase {
    /// Redrawing takes the attribute from the source's nodes of the same rule, in order and
    /// cyclically, and leaves every other attribute and rule alone.
    func testRedrawTakesValuesFromTheSameRuleCyclically() {
        func graph(_ cars: [Double], house: Double) -> SceneGraph {
            var g = SceneGraph()
            let root = g.add(SceneNode(rule: "Road", className: "road", attributes: ["heading": .number(-1)]), parent: nil)
            for h in cars { _ = g.add(SceneNode(rule: "Car", className: "car", attributes: ["heading": .number(h), "offset": .number(4.5)]), parent: root) }
            _ = g.add(SceneNode(rule: "House", className: "house", attributes: ["setback": .number(house)]), parent: root)
            return g
        }
        let targets = [graph([0, 0], house: 3), graph([0, 0, 0], house: 3)]
        let source = [graph([10, 20], house: 30)]
        let out = FeatureSensitivity.redraw("heading", in: targets, from: source)
        let cars = out.flatMap { $0.nodes.filter { $0.rule == "Car" }.map { $0.number("heading")! } }
        XCTAssertEqual(cars, [10, 20, 10, 20, 10])
        XCTAssertEqual(out.flatMap { $0.nodes.filter { $0.rule == "Road" }.map { $0.number("heading")! } }, [-1, -1], "source has no Road")
        XCTAssertEqual(out.flatMap { $0.nodes.compactMap { $0.number("offset") } }, [4.5, 4.5, 4.5, 4.5, 4.5])
        XCTAssertEqual(out.flatMap { $0.nodes.compactMap { $0.number("setback") } }, [3, 3])
    }
}

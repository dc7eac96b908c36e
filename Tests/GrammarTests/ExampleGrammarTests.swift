import Scene
import XCTest
@testable import Grammar

/// The bundled examples load and say what the training and rendering work expects of them.
final class ExampleGrammarTests: XCTestCase {
    func testBundledExamplesLoadWithTheirMutableAttributes() throws {
        let expected: [String: [String]] = [
            "mnist.yaml": ["loc_x", "loc_y", "yaw"],
            "mnist-original.json": ["loc_x", "loc_y", "yaw"],
            "shapes.yaml": ["loc_x"],
            "city.yaml": ["loc_x", "loc_y", "texture", "yaw"],
        ]
        for (file, mutable) in expected {
            let g = try Fixtures.example(file)
            XCTAssertEqual(g.mutableAttributeNames, mutable, file)
            XCTAssert(g.summary.contains("\(mutable.count) mutable"), g.summary)
        }
        let shapes = try Fixtures.example("shapes.yaml")
        let square = try shapes.sample(seed: 0, index: 0).nodes.first { $0.rule == "Square" }
        XCTAssertEqual(square?.number("loc_x"), 8)
        XCTAssertEqual(square?.string("shape"), "rectangle")
    }

    func testLargeExampleHasAboutFiftyNodes() throws {
        let g = try Fixtures.example("city.yaml")
        let counts = try g.sample(seed: 5, range: 0..<100).map(\.nodes.count)
        let mean = Double(counts.reduce(0, +)) / 100
        XCTAssert((40...65).contains(mean), "mean \(mean)")
    }
}

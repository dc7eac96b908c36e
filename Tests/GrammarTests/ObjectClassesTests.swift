import XCTest
@testable import Grammar

/// A dataset's class map comes from `Grammar.objectClasses`: classes drawn objects can have,
/// never structural rules (the canvas root, a background, a grouping rule).
final class ObjectClassesTests: XCTestCase {
    func testExampleGrammarsListOnlyDrawnObjectClasses() throws {
        XCTAssertEqual(try Fixtures.example("mnist.yaml").objectClasses, (0...9).map(String.init))
        XCTAssertEqual(try Fixtures.example("shapes.yaml").objectClasses, ["Square"])
        let city = try Fixtures.example("city.yaml").objectClasses
        for structural in ["Street", "Background", "Block", "Image"] { XCTAssertFalse(city.contains(structural), structural) }
        XCTAssertTrue(Set(["house", "shop", "tower", "sedan", "van", "truck", "Window", "Pedestrian"]).isSubset(of: Set(city)), "\(city)")
        XCTAssertEqual(city, city.sorted())
    }
}

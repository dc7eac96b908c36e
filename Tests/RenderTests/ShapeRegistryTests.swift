import Diagnostics
import Foundation
import Scene
import XCTest
import Render

/// A shape defined by test code, through the public API only: a diamond in the unit box,
/// sized like a rectangle (`size_x`, `size_y`, `size`, `scale*`); `pinch` (0 to 1, default 0)
/// pulls the left and right vertices towards the centre.
struct DiamondShape: ShapeKind {
    var names: [String] { ["diamond", "rhombus"] }
    func compile(_ attributes: AttributeReader) throws -> ShapeDrawing {
        let pinch = Float(try attributes.number("pinch") ?? 0)
        guard pinch >= 0, pinch < 1 else { throw attributes.error("pinch", "must be in [0, 1), got \(pinch)") }
        let h = 0.5 * (1 - pinch)
        return ShapeDrawing(outline: .polygon([SIMD2(0, -0.5), SIMD2(h, 0), SIMD2(0, 0.5), SIMD2(-h, 0)]), sizing: .unitBox)
    }
}

final class ShapeRegistryTests: XCTestCase {
    let canvas = Canvas(width: 24, height: 20)

    func shapeNode(_ attributes: [String: AttributeValue], mutable: Set<String> = []) -> SceneNode {
        SceneNode(rule: "Thing", className: "thing", attributes: attributes, mutable: mutable)
    }

    func graph(_ nodes: [SceneNode]) -> SceneGraph {
        var g = SceneGraph()
        let root = g.add(SceneNode(rule: "Scene", className: "scene"), parent: nil)
        for n in nodes { g.add(n, parent: root) }
        return g
    }

    func testTheStandardRegistryHoldsTheBuiltInShapesAndFrames() {
        XCTAssertEqual(ShapeRegistry.standard.shapeNames, ["rectangle", "rect", "square", "ellipse", "circle", "polygon", "polyline", "road"])
        XCTAssertEqual(ShapeRegistry.standard.frameNames, ["parent"])
        XCTAssertNil(ShapeRegistry.standard.shape(named: "diamond"))
        XCTAssertNotNil(ShapeRegistry.standard.shape(named: "Circle"))
        XCTAssertTrue(ShapeRegistry().shapeNames.isEmpty)
    }

    func testACustomShapeRegisteredFromTestCodeDrawsAndHasGradients() throws {
        var shapes = ShapeRegistry.standard
        shapes.register(DiamondShape())
        let renderer = try CompositorRenderer(canvas: canvas, classes: ["thing"], shapes: shapes)
        let diamond = shapeNode(["shape": .string("Rhombus"), "loc_x": .number(11.3), "loc_y": .number(9.6), "size_x": .number(10),
                                 "size_y": .number(6), "yaw": .number(20), "intensity": .number(0.8)], mutable: ["loc_x", "size_x", "yaw"])
        // The same outline as a built-in polygon given by points (pixels around loc_x, loc_y).
        let polygon = shapeNode(["shape": .string("polygon"), "points": .string("0,-3 5,0 0,3 -5,0"), "loc_x": .number(11.3),
                                 "loc_y": .number(9.6), "yaw": .number(20), "intensity": .number(0.8)])
        let a = try renderer.render([graph([diamond])])[0], b = try renderer.render([graph([polygon])])[0]
        XCTAssertGreaterThan(a.image.pixels.reduce(0, +), 10)
        XCTAssertEqual(a.image.pixels, b.image.pixels)
        XCTAssertEqual(a.groundTruth.objects.map(\.bbox), b.groundTruth.objects.map(\.bbox))
        // Gradients reach the custom shape's size through the compiler's common attributes.
        let upstream = (0..<(canvas.width * canvas.height)).map { Float($0 % 7) / 7 - 0.4 }
        let gradients = try renderer.vjp([graph([diamond])], imageGradients: [upstream])[0]
        for name in ["loc_x", "size_x", "yaw"] { XCTAssertNotEqual(gradients[1, name], 0, name) }
        // Its own attributes are checked by it, with the usual error location.
        XCTAssertThrowsError(try renderer.render([graph([shapeNode(["shape": .string("diamond"), "pinch": .number(2)])])])) { error in
            XCTAssertEqual((error as? InputError)?.path, "nodes[1].attributes.pinch")
        }
    }

    func testAShapeNotRegisteredIsAnErrorListingTheRegisteredOnes() throws {
        let renderer = try CompositorRenderer(canvas: canvas, classes: ["thing"])
        XCTAssertThrowsError(try renderer.render([graph([shapeNode(["shape": .string("diamond")])])])) { error in
            let e = error as? InputError
            XCTAssertEqual(e?.path, "nodes[1].attributes.shape")
            XCTAssertEqual(e?.message, "unknown shape 'diamond'; expected one of rectangle, rect, square, ellipse, circle, polygon, polyline, road")
        }
        // A registry without the built-ins draws none of them.
        let bare = try CompositorRenderer(canvas: canvas, classes: ["thing"], shapes: ShapeRegistry())
        XCTAssertThrowsError(try bare.render([graph([shapeNode(["shape": .string("rectangle")])])]))
    }

    func testWhatFillsTheCanvasIsTheBackgroundAttributeNotTheRuleName() throws {
        let renderer = try CompositorRenderer(canvas: canvas, classes: [])
        let sky = SceneNode(rule: "Sky", className: "sky", attributes: ["background": .string("constant"), "intensity": .number(0.7)])
        let filled = try renderer.render([graph([sky])])[0]
        XCTAssertEqual(filled.image.pixels, [Float](repeating: 0.7, count: canvas.width * canvas.height))
        XCTAssertTrue(filled.groundTruth.objects.isEmpty)
        // A rule and class named Background without the attribute is a structural node: nothing drawn.
        let named = SceneNode(rule: "Background", className: "Background", attributes: ["intensity": .number(0.7)])
        let empty = try renderer.render([graph([named])])[0]
        XCTAssertEqual(empty.image.pixels, [Float](repeating: 0, count: canvas.width * canvas.height))
        XCTAssertTrue(empty.groundTruth.objects.isEmpty)
    }
}

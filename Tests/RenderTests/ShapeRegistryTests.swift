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

/// A frame defined by test code: the child sits `dx`, `dy` px from its parent's centre, turned
/// like the parent.
struct BesideFrame: FrameKind {
    var name: String { "beside" }
    func place(_ child: AttributeReader, depth: Double, parent: ParentGeometry?) throws -> FramePlacement {
        guard let parent else { throw child.error("frame", "`frame: beside` needs a drawn parent") }
        let dx = try child.number("dx") ?? 0, dy = try child.number("dy") ?? 0
        return FramePlacement(centre: parent.centre + SIMD2(dx, dy), rotation: parent.rotation,
                              attributeDerivatives: [("dx", SIMD3(1, 0, 0)), ("dy", SIMD3(0, 1, 0))],
                              dParentRotation: SIMD3(0, 0, 1))
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

    func testACustomFrameRegisteredFromTestCodePlacesAndChainsGradients() throws {
        var shapes = ShapeRegistry.standard
        shapes.register(frame: BesideFrame())
        let renderer = try CompositorRenderer(canvas: canvas, classes: ["thing"], shapes: shapes)
        func box(_ a: [String: Double], mutable: Set<String>) -> SceneNode {
            var attributes = a.mapValues { AttributeValue.number($0) }
            attributes["shape"] = .string("rectangle")
            return SceneNode(rule: "Thing", className: "thing", attributes: attributes, mutable: mutable)
        }
        // Framed: the child is 6.5 px right and 1.25 px below its parent.
        var framed = SceneGraph()
        let root = framed.add(SceneNode(rule: "Scene", className: "scene"), parent: nil)
        let parent = framed.add(box(["loc_x": 7.3, "loc_y": 9.1, "size": 4, "intensity": 0.5], mutable: ["loc_x"]), parent: root)
        var child = box(["dx": 6.5, "dy": 1.25, "size": 3, "intensity": 0.9], mutable: ["dx"])
        child.attributes["frame"] = .string("beside")
        framed.add(child, parent: parent)
        // The same scene with the child placed absolutely.
        let absolute = graph([box(["loc_x": 7.3, "loc_y": 9.1, "size": 4, "intensity": 0.5], mutable: ["loc_x"]),
                              box(["loc_x": 13.8, "loc_y": 10.35, "size": 3, "intensity": 0.9], mutable: ["loc_x"])])
        let a = try renderer.render([framed])[0], b = try renderer.render([absolute])[0]
        XCTAssertEqual(a.image.pixels, b.image.pixels)
        let placed = try renderer.placedObjects(framed)
        XCTAssertEqual(placed[1].centre.x, 13.8, accuracy: 1e-5)
        XCTAssertEqual(placed[1].centre.y, 10.35, accuracy: 1e-5)
        // dL/d dx is the absolute child's dL/d loc_x; the parent's loc_x also moves the child.
        let upstream = (0..<(canvas.width * canvas.height)).map { Float(($0 * 5) % 11) / 11 - 0.45 }
        let ga = try renderer.vjp([framed], imageGradients: [upstream])[0]
        let gb = try renderer.vjp([absolute], imageGradients: [upstream])[0]
        let childX = try XCTUnwrap(gb[2, "loc_x"]), parentX = try XCTUnwrap(gb[1, "loc_x"])
        XCTAssertNotEqual(childX, 0)
        XCTAssertEqual(try XCTUnwrap(ga[2, "dx"]), childX, accuracy: 1e-6 * max(1, abs(childX)))
        XCTAssertEqual(try XCTUnwrap(ga[1, "loc_x"]), parentX + childX, accuracy: 1e-6 * max(1, abs(parentX + childX)))
        // The standard registry does not know the frame.
        XCTAssertThrowsError(try CompositorRenderer(canvas: canvas, classes: ["thing"]).render([framed])) { error in
            XCTAssertEqual((error as? InputError)?.message, "unknown frame 'beside'; expected parent")
        }
    }
}

import Diagnostics
import Foundation
import Scene
import XCTest
@testable import Render

/// Placement on a parent road (`frame: parent`), `avoid` and `z_order`.
final class RoadPlacementTests: XCTestCase {
    let classes = ["road", "car", "house", "tree"]

    /// A road (arc when `curvature` ≠ 0) with a car (along/offset/heading) and a house (setback),
    /// every placement attribute mutable.
    func roadScene(size: Double, curvature: Double, rng: inout TestRandom) -> SceneGraph {
        var g = SceneGraph()
        let root = g.add(SceneNode(rule: "Scene", className: "scene"), parent: nil)
        g.add(backdrop(numbers(["intensity": 0.2])), parent: root)
        var road = numbers(["length": size * 3, "curvature": curvature, "width": rng.uniform(6, 9),
                            "loc_x": size / 2 + rng.uniform(-2, 2), "loc_y": size / 2 + rng.uniform(-2, 2),
                            "yaw": rng.uniform(10, 80), "color_r": 0.4, "color_g": 0.4, "color_b": 0.45])
        road["shape"] = .string("road")
        let r = g.add(node("road", road, mutable: ["width", "loc_x", "loc_y", "yaw"]), parent: root)
        var car = numbers(["along": rng.uniform(-6, 6), "offset": rng.uniform(-2, 2), "heading": rng.uniform(-30, 30),
                           "size_x": rng.uniform(6, 9), "size_y": rng.uniform(3, 5), "color_r": 0.9, "color_g": 0.2, "color_b": 0.1])
        car["shape"] = .string("rectangle"); car["frame"] = .string("parent")
        g.add(node("car", car, mutable: ["along", "offset", "heading", "size_x", "size_y"]), parent: r)
        var house = numbers(["along": rng.uniform(-4, 4), "setback": rng.uniform(1, 3), "side": -1, "size_x": rng.uniform(6, 9),
                             "size_y": rng.uniform(5, 7), "color_r": 0.7, "color_g": 0.3, "color_b": 0.2])
        house["shape"] = .string("rectangle"); house["frame"] = .string("parent")
        g.add(node("house", house, mutable: ["along", "setback", "size_y"]), parent: r)
        return g
    }

    /// The links (∂ parameter / ∂ attribute, through parent roads) against central differences of
    /// the compiled parameters themselves: exact up to O(h²), no pixel kinks involved.
    func testPlacementLinksMatchFiniteDifferencesOfTheParameters() throws {
        var rng = TestRandom(state: 11)
        for curvature in [0.0, 0.03, -0.05] {
            let graph = roadScene(size: 40, curvature: curvature, rng: &rng)
            let compiler = LayerCompiler(canvas: Canvas(width: 40, height: 40, channels: 3), sprite: { _ in throw InputError(file: "x", message: "no sprites") })
            let layers = try compiler.layers(of: graph, graphIndex: 0)
            var checked = 0
            for (k, node) in graph.nodes.enumerated() {
                for name in node.mutable {
                    guard case .number(let v) = node.attributes[name] else { continue }
                    let h = 1e-3
                    func params(_ x: Double) throws -> [SIMD16<Float>] {
                        var g = graph
                        g.nodes[k].attributes[name] = .number(x)
                        return try compiler.layers(of: g, graphIndex: 0).map(\.parameters)
                    }
                    let plus = try params(v + h), minus = try params(v - h)
                    for (i, layer) in layers.enumerated() {
                        for p in [LayerParameter.centreX, .centreY, .rotation, .scaleY, .halfWidth] {
                            let fd = (Double(plus[i][p.rawValue]) - Double(minus[i][p.rawValue])) / (2 * h)
                            let linked = layer.links.filter { $0.parameter == p && $0.attribute == name && ($0.node ?? layer.node) == k }
                                .map { Double($0.weight) }.reduce(0, +)
                            XCTAssertEqual(linked, fd, accuracy: 2e-3 * max(1, abs(fd)), "κ \(curvature) layer \(i) \(p) ← node \(k).\(name)")
                            checked += 1
                        }
                    }
                }
            }
            XCTAssertGreaterThan(checked, 100)
        }
    }

    /// The renderer's exact VJP, now through placement, against central differences of images.
    func testVJPThroughPlacementMatchesFiniteDifferences() throws {
        // Nodes: 0 root, 1 background, 2 road, 3 car, 4 house.
        try checkVJPAgainstFiniteDifferences(curvatures: [0.0, 0.04], seed: 3, step: 1e-2,
                                             moving: [(3, "along"), (3, "offset"), (3, "heading"), (4, "along"), (4, "setback"), (2, "yaw")])
    }

    /// The same through roads drawn as exact arcs (`ShapeOutline.arc`: 1.5–2.4 rad, under a half turn).
    func testVJPThroughArcRoadsMatchesFiniteDifferences() throws {
        try checkVJPAgainstFiniteDifferences(curvatures: [0.02, -0.0125], seed: 8, step: 1e-3, moving: [(2, "width")])
    }

    /// `roadScene`s of `curvatures` (random from `seed`) under random upstream gradients: the
    /// exact VJP within 3 % of the largest central difference (step `step`) of every attribute,
    /// and each `moving` (node, attribute) moving the image.
    private func checkVJPAgainstFiniteDifferences(curvatures: [Double], seed: UInt64, step: Double, moving: [(Int, String)]) throws {
        let size = 40
        let r = try CompositorRenderer(canvas: Canvas(width: size, height: size, channels: 3), classes: classes)
        var rng = TestRandom(state: seed)
        let graphs = curvatures.map { roadScene(size: Double(size), curvature: $0, rng: &rng) }
        let upstream = graphs.map { _ in (0..<(size * size * 3)).map { _ in Float(rng.uniform(-1, 1)) } }
        let exact = try r.vjp(graphs, imageGradients: upstream)
        let fd = try FiniteDifferenceVJP(step: step).vjp(r, graphs, imageGradients: upstream)
        for (i, (e, f)) in zip(exact, fd).enumerated() {
            let scale = f.nodes.flatMap(\.values).map(abs).max() ?? 0
            XCTAssertGreaterThan(scale, 0)
            for (k, name) in moving {
                XCTAssertGreaterThan(abs(f[k, name] ?? 0), 1e-3 * scale, "graph \(i) node \(k) \(name) moves the image")
            }
            for (k, attributes) in f.nodes.enumerated() {
                for (name, fdValue) in attributes {
                    XCTAssertEqual(try XCTUnwrap(e[k, name]), fdValue, accuracy: 0.03 * scale + 1e-3, "graph \(i) node \(k) \(name)")
                }
            }
        }
    }

    func testChildLiesAtItsOffsetFromTheDrawnCentreline() throws {
        let r = try CompositorRenderer(canvas: Canvas(width: 64, height: 64, channels: 3), classes: classes)
        for (curvature, offset) in [(0.0, 0.0), (0.0, 5.0), (0.02, -4.0), (-0.03, 6.0)] {
            var g = SceneGraph()
            let root = g.add(SceneNode(rule: "Scene", className: "scene"), parent: nil)
            var road = numbers(["length": 120, "curvature": curvature, "width": 16, "yaw": 35, "loc_x": 30, "loc_y": 34])
            road["shape"] = .string("road")
            let roadIndex = g.add(node("road", road), parent: root)
            for along in stride(from: -40.0, through: 40, by: 10) {
                var car = numbers(["along": along, "offset": offset, "size_x": 8, "size_y": 4])
                car["shape"] = .string("rectangle"); car["frame"] = .string("parent")
                g.add(node("car", car), parent: roadIndex)
            }
            let placed = try r.placedObjects(g)
            let roadObject = try XCTUnwrap(placed.first { $0.node == roadIndex })
            XCTAssertEqual(roadObject.halfWidth, 8, accuracy: 1e-6)
            let cars = placed.filter { $0.className == "car" }
            XCTAssertEqual(cars.count, 9)
            for car in cars {
                // The chords of the drawn arc lie within ~0.2 px of it.
                XCTAssertEqual(roadObject.distanceToCentreline(car.centre), abs(offset), accuracy: 0.25, "κ \(curvature) offset \(offset)")
            }
            // Straight road: cars point along it (yaw 35°).
            if curvature == 0 { for car in cars { XCTAssertEqual(car.rotationDegrees, 35, accuracy: 1e-4) } }
        }
    }

    /// A child's frame anchor (ground truth) is where the child would sit at offset 0, heading 0:
    /// the centreline point at its `along` and the road's direction there, whatever its offset
    /// and heading.
    func testFrameAnchorIsTheChildsPlaceOnTheCentreline() throws {
        let r = try CompositorRenderer(canvas: Canvas(width: 64, height: 64, channels: 3), classes: classes)
        for curvature in [0.0, 0.02] {
            func scene(offset: Double, heading: Double) -> SceneGraph {
                var g = SceneGraph()
                let root = g.add(SceneNode(rule: "Scene", className: "scene"), parent: nil)
                var road = numbers(["length": 120, "curvature": curvature, "width": 16, "yaw": 35, "loc_x": 30, "loc_y": 34])
                road["shape"] = .string("road")
                let roadIndex = g.add(node("road", road), parent: root)
                for along in [-20.0, 0, 15] {
                    var car = numbers(["along": along, "offset": offset, "heading": heading, "size_x": 8, "size_y": 4])
                    car["shape"] = .string("rectangle"); car["frame"] = .string("parent")
                    g.add(node("car", car), parent: roadIndex)
                }
                return g
            }
            let feet = try r.placedObjects(scene(offset: 0, heading: 0)).filter { $0.className == "car" }
            let truth = try r.render([scene(offset: 6, heading: 50)])[0].groundTruth
            let cars = truth.objects.filter { $0.className == "car" }
            XCTAssertEqual(cars.count, 3)
            XCTAssertNil(truth.objects.first { $0.className == "road" }?.frameAnchor)
            for (car, foot) in zip(cars, feet) {
                let anchor = try XCTUnwrap(car.frameAnchor)
                XCTAssertEqual(anchor.x, foot.centre.x, accuracy: 1e-4, "κ \(curvature)")
                XCTAssertEqual(anchor.y, foot.centre.y, accuracy: 1e-4, "κ \(curvature)")
                XCTAssertEqual(anchor.rotation * 180 / .pi, foot.rotationDegrees, accuracy: 1e-3, "κ \(curvature)")
            }
        }
    }

    func testAvoidDropsObjectsThatOverlapListedClasses() throws {
        let r = try CompositorRenderer(canvas: Canvas(width: 64, height: 64, channels: 3), classes: classes)
        var g = SceneGraph()
        let root = g.add(SceneNode(rule: "Scene", className: "scene"), parent: nil)
        var road = numbers(["length": 200, "width": 10, "loc_x": 32, "loc_y": 32])   // horizontal, y in [27, 37]
        road["shape"] = .string("road")
        g.add(node("road", road), parent: root)
        func house(_ y: Double, avoid: String?) -> SceneNode {
            var a = numbers(["loc_x": 20, "loc_y": y, "size_x": 8, "size_y": 6])
            a["shape"] = .string("rectangle")
            if let avoid { a["avoid"] = .string(avoid) }
            return node("house", a)
        }
        let onRoad = g.add(house(30, avoid: "road"), parent: root)       // overlaps: dropped
        let clear = g.add(house(20, avoid: "road"), parent: root)        // y in [17, 23]: kept
        let touching = g.add(house(23.9, avoid: "road,house"), parent: root)  // y up to 26.9: clear of the road, overlaps `clear`
        let allowed = g.add(house(32, avoid: nil), parent: root)         // no rule: kept
        var tree = numbers(["loc_x": 50, "loc_y": 20, "size": 14.5])     // circle r 7.25 reaches y 27.25 > 27
        tree["shape"] = .string("circle"); tree["avoid"] = .string("road")
        let treeOnEdge = g.add(node("tree", tree), parent: root)
        let drawn = Set(try r.placedObjects(g).map(\.node))
        XCTAssertFalse(drawn.contains(onRoad))
        XCTAssertTrue(drawn.contains(clear))
        XCTAssertFalse(drawn.contains(touching))
        XCTAssertTrue(drawn.contains(allowed))
        XCTAssertFalse(drawn.contains(treeOnEdge))
        // Dropped objects draw nothing: the pixel at the dropped house is road-coloured.
        let truth = try r.render([g])[0].groundTruth
        XCTAssertFalse(truth.objects.contains { $0.node == onRoad })
    }

    func testZOrderDrawsHigherLayersOnTop() throws {
        let r = try CompositorRenderer(canvas: Canvas(width: 16, height: 16, channels: 3), classes: classes)
        func square(_ cls: String, _ z: Double?) -> SceneNode {
            var a = numbers(["size_x": 8, "size_y": 8])
            if let z { a["z_order"] = .number(z) }
            a["shape"] = .string("rectangle")
            return node(cls, a)
        }
        for (zCar, zHouse, front) in [(nil, nil, "house"), (1.0, nil, "car"), (-1.0, 2.0, "house"), (3.0, 2.0, "car")] as [(Double?, Double?, String)] {
            let g = scene([square("car", zCar), square("house", zHouse)])
            let truth = try r.render([g])[0].groundTruth
            let id = Int(truth.semanticMask[8 * 16 + 8])
            XCTAssertEqual(classes[id - 1], front, "z car \(String(describing: zCar)) z house \(String(describing: zHouse))")
        }
    }

    func testBadPlacementsAreInputErrors() throws {
        let r = try CompositorRenderer(canvas: Canvas(width: 16, height: 16, channels: 3), classes: classes)
        func check(_ roadAttributes: [String: AttributeValue], _ carAttributes: [String: AttributeValue], _ path: String,
                   file: StaticString = #filePath, line: UInt = #line) {
            var g = SceneGraph()
            let root = g.add(SceneNode(rule: "Scene", className: "scene"), parent: nil)
            let roadIndex = g.add(node("road", roadAttributes), parent: root)
            g.add(node("car", carAttributes), parent: roadIndex)
            XCTAssertThrowsError(try r.render([g]), file: file, line: line) { error in
                XCTAssertEqual((error as? InputError)?.path, path, "\(error)", file: file, line: line)
            }
        }
        let road: [String: AttributeValue] = ["shape": .string("road"), "length": .number(40)]
        let car: [String: AttributeValue] = ["shape": .string("rectangle"), "frame": .string("parent")]
        check(road, car.merging(["loc_x": .number(3)]) { $1 }, "nodes[2].attributes.loc_x")
        check(road, car.merging(["offset": .number(1), "setback": .number(2)]) { $1 }, "nodes[2].attributes.setback")
        check(road, car.merging(["setback": .number(2), "side": .number(0)]) { $1 }, "nodes[2].attributes.side")
        check(road, car.merging(["frame": .string("world")]) { $1 }, "nodes[2].attributes.frame")
        check(road, car.merging(["along": .number(.nan)]) { $1 }, "nodes[2].attributes.along")
        check(["shape": .string("road"), "points": .string("0,0 9,9")], car, "nodes[2].attributes.frame")
        check(["shape": .string("rectangle")], car, "nodes[2].attributes.frame")
        check(road.merging(["length": .number(0)]) { $1 }, car, "nodes[1].attributes.length")
        check(road.merging(["scale": .number(2)]) { $1 }, car, "nodes[1].attributes.scale")
        check(road, car.merging(["avoid": .number(1)]) { $1 }, "nodes[2].attributes.avoid")
    }

    func testArcGeometry() {
        let arc = RoadArc(length: 100, curvature: 0.02)
        // A quarter turn of a radius-50 circle turning left (counter-clockwise on screen: up).
        let quarter = arc.centreline(at: 50 * Double.pi / 2)
        XCTAssertEqual(quarter.x, 50, accuracy: 1e-9)
        XCTAssertEqual(quarter.y, -50, accuracy: 1e-9)
        // The series branch agrees with the closed form near κ = 0.
        let tiny = RoadArc(length: 100, curvature: 1e-9).centreline(at: 30)
        XCTAssertEqual(tiny.x, 30, accuracy: 1e-9)
        XCTAssertEqual(tiny.y, -1e-9 * 450, accuracy: 1e-12)
        XCTAssertEqual(RoadArc(length: 100, curvature: 0).vertices.count, 2)
        let v = arc.vertices
        XCTAssertEqual(v.count, 21)  // 2 rad of turn, 0.1 rad per segment
        for p in v {
            let d = (SIMD2(Double(p.x), Double(p.y)) - SIMD2(0, -50))
            XCTAssertEqual((d * d).sum().squareRoot(), 50, accuracy: 1e-3)
        }
    }
}

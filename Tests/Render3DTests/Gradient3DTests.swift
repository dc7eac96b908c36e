import Foundation
import Render
import Render3D
import Scene
import XCTest

final class Gradient3DTests: XCTestCase {
    /// L = Σ g·I for a fixed upstream gradient g.
    func loss(_ r: Renderer3D, _ g: SceneGraph, _ upstream: [Float]) throws -> Double {
        let px = try r.renderPixels([g])
        return zip(px, upstream).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// Moving a car along the road moves its image: farther away it sits higher (closer to the
    /// horizon) and is smaller.
    func testMovingACarAlongTheRoadMovesItsImage() throws {
        let r = try SceneBuilder.renderer()
        var b = SceneBuilder()
        b.cars = [["along": 12]]
        let near = try XCTUnwrap(SceneBuilder.object(try r.render([b.graph()])[0].groundTruth, node: b.carNode(0))?.bbox)
        b.cars = [["along": 14]]
        let far = try XCTUnwrap(SceneBuilder.object(try r.render([b.graph()])[0].groundTruth, node: b.carNode(0))?.bbox)
        XCTAssertLessThan(far.y + far.height, near.y + near.height)
        XCTAssertLessThan(far.width, near.width)
    }

    /// Dot-product test: for the car's offset and along, the camera's pitch and height and the
    /// sun's elevation, vjp · direction equals the directional derivative of L measured with
    /// independent central differences at a different step (within 10 % of the larger), and a
    /// colour's gradient (L is linear in it) matches to 1e-3 relative.
    func testVJPMatchesDirectionalDerivatives() throws {
        let r = try SceneBuilder.renderer()
        var b = SceneBuilder()
        b.cars = [["along": 11, "offset": 0.3, "heading": 10, "color_r": 0.8, "color_g": 0.2, "color_b": 0.2]]
        b.camera["pitch"] = 3
        b.mutableCarAttributes = ["offset", "along", "heading", "color_r"]
        b.mutableCameraAttributes = ["pitch", "height"]
        let graph = b.graph()
        let g = smoothUpstream(r.canvas, seed: 0.7)
        let grads = try r.vjp([graph], imageGradients: [g])[0]
        let car = b.carNode(0)
        let probes: [(node: Int, name: String, step: Double)] = [
            (car, "offset", 0.02), (car, "along", 0.02), (car, "heading", 0.25), (2, "pitch", 0.25), (2, "height", 0.02),
        ]
        for probe in probes {
            var plus = graph, minus = graph
            let v = graph.nodes[probe.node].number(probe.name)!
            plus.nodes[probe.node].attributes[probe.name] = .number(v + probe.step)
            minus.nodes[probe.node].attributes[probe.name] = .number(v - probe.step)
            let directional = (try loss(r, plus, g) - loss(r, minus, g)) / (2 * probe.step)
            let vjp = try XCTUnwrap(grads[probe.node, probe.name])
            XCTAssertGreaterThan(abs(directional), 1e-3, "\(probe.name): the probe should move the image")
            XCTAssertEqual(vjp, directional, accuracy: 0.1 * max(abs(vjp), abs(directional)), "\(probe.name)")
        }
        // Colour: exactly linear, so any step gives the derivative.
        var plus = graph
        plus.nodes[car].attributes["color_r"] = .number(0.9)
        let colour = (try loss(r, plus, g) - loss(r, graph, g)) / 0.1
        XCTAssertEqual(try XCTUnwrap(grads[car, "color_r"]), colour, accuracy: 1e-3 * abs(colour))
    }

    /// Anti-aliasing makes the image a continuous function of pose: stepping the car sideways by
    /// 1 mm moves L by about 1/20 of a 2 cm step (no jumps of whole pixels).
    func testSmallPoseChangesChangeTheImageContinuously() throws {
        let r = try SceneBuilder.renderer()
        var b = SceneBuilder()
        b.cars = [["along": 9, "offset": 0, "color_r": 0.9, "color_g": 0.9, "color_b": 0.9]]
        let graph = b.graph()
        // Right half +1, left half −1: moving the bright car right raises L.
        let w = r.canvas.width
        let g = (0..<(w * r.canvas.height * 3)).map { Float(($0 / 3) % w >= w / 2 ? 1 : -1) }
        var values: [Double] = []
        for k in 0...20 {
            var moved = graph
            moved.nodes[b.carNode(0)].attributes["offset"] = .number(Double(k) * 0.001)
            values.append(try loss(r, moved, g))
        }
        let steps = zip(values.dropFirst(), values).map { $0 - $1 }
        let total = values.last! - values.first!
        XCTAssertGreaterThan(total, 0)
        for s in steps { XCTAssertLessThan(abs(s), 0.25 * abs(total), "a 1 mm step jumped: \(steps)") }
    }
}

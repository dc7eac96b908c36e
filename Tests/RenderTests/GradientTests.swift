import Scene
import XCTest
@testable import Render

/// Exact VJP against central finite differences on random scenes.
///
/// Tolerance: the forward is piecewise smooth (bilinear cells, 1-px ramps, clamps, max), so a finite
/// step straddles a few kinks; with h = 1e-2 (attribute units; 1e-3 for colours, opacity and max blending) we require
/// |exact − fd| ≤ 3 % of the largest |fd| of that graph + 1e-3 for every attribute.
final class GradientTests: XCTestCase {
    let classes = ["3", "7", "box", "disc", "tri", "road", "badge"]

    func checkAgainstFiniteDifferences(channels: Int, blend: String, seed: UInt64, step: Double = 1e-2) throws {
        let size = 24
        let r = try CompositorRenderer(canvas: Canvas(width: size, height: size, channels: channels), classes: classes, assets: [digitStore, colourStore])
        var rng = TestRandom(state: seed)
        let graphs = (0..<3).map { _ in randomGradientScene(&rng, size: Double(size), rgb: channels == 3, blend: blend) }
        let upstream = graphs.map { _ in (0..<(size * size * channels)).map { _ in Float(rng.uniform(-1, 1)) } }
        let exact = try r.vjp(graphs, imageGradients: upstream)
        let fd = try FiniteDifferenceVJP(step: step, stepOverrides: ["intensity": 1e-3, "color_r": 1e-3, "color_g": 1e-3, "color_b": 1e-3, "end_intensity": 1e-3, "texture": 1e-3, "opacity": 1e-3])
            .vjp(r, graphs, imageGradients: upstream)
        var checked = 0
        for (i, (e, f)) in zip(exact, fd).enumerated() {
            let scale = f.nodes.flatMap(\.values).map(abs).max() ?? 0
            XCTAssertGreaterThan(scale, 0)
            for (k, attributes) in f.nodes.enumerated() {
                for (name, fdValue) in attributes {
                    let exactValue = try XCTUnwrap(e[k, name])
                    XCTAssertEqual(exactValue, fdValue, accuracy: 0.03 * scale + 1e-3, "graph \(i) node \(k) \(name)")
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThan(checked, 60)
    }

    func testExactMatchesFiniteDifferencesGreyOver() throws { try checkAgainstFiniteDifferences(channels: 1, blend: "over", seed: 1) }
    func testExactMatchesFiniteDifferencesRGBOver() throws { try checkAgainstFiniteDifferences(channels: 3, blend: "over", seed: 2) }
    /// `max` adds a kink wherever the source crosses what is under it: a smaller step.
    func testExactMatchesFiniteDifferencesGreyMax() throws { try checkAgainstFiniteDifferences(channels: 1, blend: "max", seed: 3, step: 1e-3) }

    func testFiniteDifferenceScaleOnALinearAttribute() throws {
        // Image = texture everywhere, so dL/dtexture = Σ g exactly: catches a wrong 1/(2h).
        let r = try CompositorRenderer(canvas: Canvas(width: 5, height: 4), classes: [])
        let g = scene([], background: backdrop(numbers(["texture": 0.3]), mutable: ["texture"]))
        let up: [Float] = (0..<20).map { Float($0) / 7 - 1 }
        let expected = up.reduce(0) { $0 + Double($1) }
        let fd = try FiniteDifferenceVJP(step: 0.25).vjp(r, [g], imageGradients: [up])
        XCTAssertEqual(fd[0][1, "texture"]!, expected, accuracy: 1e-5)
        XCTAssertEqual(try r.vjp([g], imageGradients: [up])[0][1, "texture"]!, expected, accuracy: 1e-5)
    }

    func testNonMutableAndNonNumericAttributesGetNoEntry() throws {
        let r = try CompositorRenderer(canvas: Canvas(width: 8, height: 8), classes: ["box"])
        let g = scene([node("box", ["shape": .string("rect"), "size": .number(4), "loc_x": .number(3)], mutable: ["size", "shape"])])
        let grads = try r.vjp([g], imageGradients: [[Float](repeating: 1, count: 64)])
        XCTAssertNotNil(grads[0][1, "size"])
        XCTAssertNil(grads[0][1, "loc_x"])
        XCTAssertNil(grads[0][1, "shape"])
        XCTAssertGreaterThan(grads[0][1, "size"]!, 0, "a bigger white box raises the sum of pixels")
    }

    func testVJPRejectsMismatchedInputs() throws {
        let r = try CompositorRenderer(canvas: Canvas(width: 4, height: 4), classes: [])
        XCTAssertThrowsError(try r.vjp([scene([])], imageGradients: []))
        XCTAssertThrowsError(try r.vjp([scene([])], imageGradients: [[1, 2]]))
        XCTAssertThrowsError(try FiniteDifferenceVJP(step: 0).vjp(r, [scene([])], imageGradients: [[Float](repeating: 0, count: 16)]))
    }
}

/// A random scene exercising every layer kind: a road, a digit sprite (blend `blend`), a
/// rectangle, an ellipse and a pentagon, over a gradient (over) or constant (max) background.
func randomGradientScene(_ rng: inout TestRandom, size: Double, rgb: Bool, blend: String) -> SceneGraph {
    let geometry: Set<String> = ["loc_x", "loc_y", "yaw", "size_x", "size_y", "opacity"]
    var objects: [SceneNode] = []
    func place(_ rng: inout TestRandom) -> [String: AttributeValue] {
        numbers(["loc_x": rng.uniform(size * 0.3, size * 0.7), "loc_y": rng.uniform(size * 0.3, size * 0.7),
                 "yaw": rng.uniform(-180, 180), "opacity": rng.uniform(0.5, 0.9)])
    }
    var digit = place(&rng)
    digit["size"] = .number(rng.uniform(18, 30))
    digit["intensity"] = .number(rng.uniform(0.6, 1))
    digit["blend"] = .string(blend)
    objects.append(node("3", digit, mutable: geometry.union(["size", "intensity"]), asset: AssetRef(store: "digits", index: 0)))
    for shape in ["rectangle", "ellipse", "polygon"] {
        var a = place(&rng)
        a["shape"] = .string(shape)
        if shape == "polygon" { a["sides"] = .number(5); a["scale_x"] = .number(rng.uniform(6, 12)); a["scale_y"] = .number(rng.uniform(6, 12)) }
        else { a["size_x"] = .number(rng.uniform(5, 12)); a["size_y"] = .number(rng.uniform(5, 12)) }
        if rgb { a["color_r"] = .number(rng.uniform(0, 1)); a["color_g"] = .number(rng.uniform(0, 1)); a["color_b"] = .number(rng.uniform(0, 1)) }
        else { a["intensity"] = .number(rng.uniform(0.2, 1)) }
        let cls = shape == "rectangle" ? "box" : shape == "ellipse" ? "disc" : "tri"
        objects.append(node(cls, a, mutable: Set(a.keys).subtracting(["shape", "sides"])))
    }
    let road = node("road", ["shape": .string("road"), "points": .string("2,3 \(size * 0.5),\(size * 0.6) \(size - 2),\(size - 4)"),
                             "width": .number(rng.uniform(3, 6)), "intensity": .number(0.4), "loc_x": .number(rng.uniform(-2, 2))],
                    mutable: ["width", "intensity", "loc_x"])
    objects.insert(road, at: 0)
    var badge = place(&rng)
    badge["size_x"] = .number(rng.uniform(10, 16))
    badge["size_y"] = .number(rng.uniform(8, 14))
    badge["intensity"] = .number(rng.uniform(0.6, 1))
    objects.append(node("badge", badge, mutable: Set(badge.keys), asset: AssetRef(store: "colour", index: 0)))
    // Over: a gradient background (generic path); max: a half-transparent constant one (fast path).
    let bg = blend == "over"
        ? backdrop(["background": .string("gradient"), "intensity": .number(rng.uniform(0, 0.3)),
                              "end_intensity": .number(rng.uniform(0.3, 0.6)), "gradient_angle": .number(30)],
               mutable: ["intensity", "end_intensity"])
        : backdrop(numbers(["texture": rng.uniform(0.1, 0.4), "opacity": rng.uniform(0.4, 0.8)]),
               mutable: ["texture", "opacity"])
    return scene(objects, background: bg)
}

/// The specialised reverse passes must equal the generic one on the same layer.
final class FastPathVJPTests: XCTestCase {
    func compare(_ layer: Layer, renderer r: CompositorRenderer, fast: (CompositorRenderer, Layer, PixelBox, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> [Double]) {
        let n = r.canvas.width * r.canvas.height * r.canvas.channels
        var rng = TestRandom(state: 5)
        let under = (0..<n).map { _ in Float(rng.uniform(0, 0.6)) }
        let upstream = (0..<n).map { _ in Float(rng.uniform(-1, 1)) }
        let box = layer.supportBox(width: r.canvas.width, height: r.canvas.height).clipped(width: r.canvas.width, height: r.canvas.height)
        // The tape holds the box only, row by row.
        var tape: [Float] = []
        for y in box.y0..<box.y1 { tape += under[((y * r.canvas.width + box.x0) * r.canvas.channels)..<((y * r.canvas.width + box.x1) * r.canvas.channels)] }
        var g1 = upstream, g2 = upstream
        let a = tape.withUnsafeBufferPointer { t in g1.withUnsafeMutableBufferPointer { r.genericBackward(layer, box: box, under: t.baseAddress!, grad: $0.baseAddress!) } }
        let b = tape.withUnsafeBufferPointer { t in g2.withUnsafeMutableBufferPointer { fast(r, layer, box, t.baseAddress!, $0.baseAddress!) } }
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 1e-3 * max(1, abs(x))) }
        for (x, y) in zip(g1, g2) { XCTAssertEqual(x, y, accuracy: 1e-5) }
        XCTAssertGreaterThan(a.map(abs).max()!, 0)
    }

    func testMaskSpriteAndBackgroundFastPathsEqualTheGenericPass() throws {
        for (channels, blend) in [(1, "over"), (3, "over"), (1, "max")] {
            let r = try CompositorRenderer(canvas: Canvas(width: 24, height: 20, channels: channels), classes: ["3"], assets: [digitStore])
            let digit = node("3", ["loc_x": .number(11.3), "loc_y": .number(9.6), "yaw": .number(33), "size_x": .number(22), "size_y": .number(17),
                                   "opacity": .number(0.7), "intensity": .number(0.8), "blend": .string(blend)], asset: AssetRef(store: "digits", index: 1))
            let (layers, _) = try r.compile(scene([digit], background: backdrop(["texture": .number(0.3)])), index: 0)
            compare(layers[1], renderer: r) { $0.backwardMaskSprite($1, box: $2, under: $3, grad: $4) }
            for fill: [String: AttributeValue] in [[:], ["background": .string("gradient"), "gradient_angle": .number(30), "end_intensity": .number(0.9)],
                                                    ["background": .string("noise"), "noise_scale": .number(3), "noise_amplitude": .number(0.4)]] {
                let bg = backdrop(["texture": .number(0.3), "opacity": .number(0.6), "blend": .string(blend)].merging(fill) { $1 })
                let (layers, _) = try r.compile(scene([digit], background: bg), index: 0)
                guard case .background(let f) = layers[0].content else { return XCTFail("no background layer") }
                let kernel = BackgroundKernel(fill: f, width: 24, height: 20, channels: channels)
                compare(layers[0], renderer: r) { r, layer, _, under, grad in r.backwardBackground(layer, kernel, under: under, grad: grad) }
            }
        }
    }
}

/// The reverse pass stops at the lowest layer that reaches a mutable attribute
/// (`lowestLayerReachingMutables`): the attribute gradients equal those of the pass over every
/// layer, bit for bit, whichever lower layers (background, road, digit, shapes) are made immutable.
final class VJPLowestLayerTests: XCTestCase {
    func testStoppingAtTheLowestMutableLayerChangesNoGradient() throws {
        var rng = TestRandom(state: 41)
        var compared = 0
        for channels in [1, 3] {
            let size = 24
            let r = try CompositorRenderer(canvas: Canvas(width: size, height: size, channels: channels), classes: ["3", "7", "box", "disc", "tri", "road", "badge"],
                                           assets: [digitStore, colourStore])
            for frozen in 0...4 {
                var graph = randomGradientScene(&rng, size: Double(size), rgb: channels == 3, blend: "over")
                // Nodes in draw order after the root: background, road, digit, rectangle, ellipse, ...
                let drawn = graph.nodes.indices.filter { graph.nodes[$0].parent != nil }
                for i in drawn.prefix(frozen) { graph.nodes[i].mutable = [] }
                let (layers, ids) = try r.compile(graph, index: 0)
                let lowest = r.lowestLayerReachingMutables(graph, layers: layers)
                XCTAssertEqual(lowest, frozen, "\(channels) channels, \(frozen) immutable layers at the bottom")
                let upstream = (0..<(size * size * channels)).map { _ in Float(rng.uniform(-1, 1)) }
                let full = r.attributeGradients(graph, layers: layers,
                                                parameterGradients: r.layerParameterGradients(layers, classIds: ids, imageGradient: upstream))
                let stopped = try r.vjp([graph], imageGradients: [upstream])[0]
                XCTAssertEqual(stopped.nodes.map { $0.mapValues { $0.bitPattern } }, full.nodes.map { $0.mapValues { $0.bitPattern } },
                               "\(channels) channels, \(frozen) immutable layers at the bottom")
                XCTAssertGreaterThan(stopped.nodes.flatMap { $0.values }.filter { $0 != 0 }.count, 3)
                compared += 1
            }
            // No mutable attribute at all: nothing to reverse, every gradient entry absent.
            var still = randomGradientScene(&rng, size: Double(size), rgb: channels == 3, blend: "over")
            for i in still.nodes.indices { still.nodes[i].mutable = [] }
            let (layers, _) = try r.compile(still, index: 0)
            XCTAssertEqual(r.lowestLayerReachingMutables(still, layers: layers), layers.count)
            XCTAssertTrue(try r.vjp([still], imageGradients: [[Float](repeating: 1, count: size * size * channels)])[0].nodes.allSatisfy { $0.isEmpty })
        }
        XCTAssertEqual(compared, 10)
    }
}

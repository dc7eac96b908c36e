import Foundation
import Grammar
import MetaSim
import Render
import Scene
import TestSupport
import XCTest

/// The 2D compositor's images, ground truth and exact VJP, bit for bit, against fingerprints
/// recorded before its speed work (commit bf37139): a change of speed must not change a single
/// value. Scenes: the aerial prior (noise ground, roads, cars, houses, trees), the example
/// grammars (constant backgrounds, shapes, digits), and every background fill over a grey
/// and an RGB canvas. Update a constant only with a deliberate, documented change of what the
/// renderer draws. aerial-prior's value last changed when annotations gained `frameAnchor`
/// (cars on roads, 0430d66): with that field left out it is the value recorded before
/// (6_694_633_259_409_779_048); pixels, masks and VJPs were unchanged. It changed again when
/// shapes of 64 rows or more began to count every second row beyond the canvas (roads; the
/// value before, 14_171_794_116_124_148_180): with every `visibleFraction` set to 0 the
/// fingerprint is the same before and after (16_603_955_731_436_604_500), so only the fractions moved.
/// It went back to the value before that (14_171_794_116_124_148_180, from 9_603_573_224_019_750_806)
/// when roads beyond the canvas came to be counted on every row in closed form (StrokeRowCount):
/// the fractions are again those of the per-pixel test on every row, to the pixel.
/// It changed again (from 14_171_794_116_124_148_180) when arc roads came to be drawn from the
/// arc's exact distance instead of a polyline of chords (`ShapeOutline.arc`; the chords strayed
/// up to 0.21 px from the arc at the prior's curvature): the edges of curved roads, their
/// counts beyond the canvas and their gradients moved; 1.4 % of the values of 32 images rendered
/// with `metasim render --seed 3` changed, by at most 18/255.
/// mnist's value changed when the mask sprite's reverse pass began summing each row in eight
/// lanes (Sources/Render/README.md, "Speed"; the value before, 3_464_721_607_310_293_453): its
/// gradients round differently; pixels, masks and annotations are drawn by unchanged code.
final class Fingerprint2DTests: XCTestCase {
    static let recorded: [String: UInt64] = [
        "backgrounds1": 17_168_016_311_234_941_808, "backgrounds3": 5_036_169_624_309_454_291,
        "examples/grammars/city.yaml": 17_710_718_480_015_098_455, "examples/grammars/mnist.yaml": 1_625_569_760_744_927_085,
        "examples/grammars/shapes.yaml": 11_065_517_086_645_042_933, "experiments/grammars/aerial-prior.yaml": 8_242_036_626_050_601_008,
    ]

    func testImagesAndGradientsAreUnchanged() throws {
        var found: [String: UInt64] = [:]
        for name in ["experiments/grammars/aerial-prior.yaml", "examples/grammars/city.yaml", "examples/grammars/mnist.yaml",
                     "examples/grammars/shapes.yaml"] {
            let grammar = try Grammar.load(path: Repository.path(name))
            let renderer = try grammar.makeRenderer(assets: grammar.assetRegistry())
            found[name] = try Self.fingerprint(renderer, try grammar.sample(seed: 1, range: 0..<6))
        }
        for channels in [1, 3] {
            let renderer = try CompositorRenderer(canvas: Canvas(width: 40, height: 24, channels: channels), classes: ["square"])
            found["backgrounds\(channels)"] = try Self.fingerprint(renderer, Self.backgroundScenes())
        }
        for (name, value) in found.sorted(by: { $0.key < $1.key }) { print("fingerprint \(name): \(value)") }
        XCTAssertEqual(found, Self.recorded)
    }

    /// One graph per fill (constant, gradient, noise), each under a square, with mutable colours.
    static func backgroundScenes() -> [SceneGraph] {
        let fills: [[String: AttributeValue]] = [
            ["background": .string("constant"), "color_r": .number(0.2), "color_g": .number(0.5), "color_b": .number(0.7)],
            ["background": .string("gradient"), "gradient_angle": .number(30), "intensity": .number(0.1), "end_intensity": .number(0.9)],
            ["background": .string("noise"), "noise_scale": .number(6), "noise_seed": .number(7), "noise_amplitude": .number(0.3),
             "color_r": .number(0.3), "color_g": .number(0.6), "color_b": .number(0.2)],
        ]
        return fills.map { fill in
            var g = SceneGraph()
            let root = g.add(SceneNode(rule: "Scene", className: "scene"), parent: nil)
            g.add(SceneNode(rule: "Background", className: "Background", attributes: fill,
                            mutable: Set(fill.keys.filter { $0.hasPrefix("color") || $0.hasSuffix("intensity") || $0 == "noise_amplitude" })),
                  parent: root)
            g.add(SceneNode(rule: "Square", className: "square",
                            attributes: ["shape": .string("rectangle"), "loc_x": .number(17.3), "loc_y": .number(11.6), "size": .number(9),
                                         "yaw": .number(20), "texture": .number(0.8)],
                            mutable: ["loc_x", "yaw"]), parent: root)
            return g
        }
    }

    /// `Fingerprint` of the bit patterns of every pixel, mask entry, the JSON of the object
    /// annotations, and the VJP of a fixed upstream gradient (attributes in name order).
    static func fingerprint(_ renderer: any Renderer, _ graphs: [SceneGraph]) throws -> UInt64 {
        var h = Fingerprint()
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let images = try renderer.render(graphs)
        for image in images {
            h.mix(image.image.pixels)
            h.mix(image.groundTruth.instanceMask)
            h.mix(image.groundTruth.semanticMask)
            h.mix(bytes: try encoder.encode(image.groundTruth.objects))
        }
        XCTAssertEqual(try renderer.renderPixels(graphs), images.flatMap(\.image.pixels))
        let upstream = images.enumerated().map { i, image in
            image.image.pixels.indices.map { p in Float((p * 7 + i) % 13) / 13 - 0.5 }
        }
        for gradients in try renderer.vjp(graphs, imageGradients: upstream) {
            for node in gradients.nodes {
                for (name, value) in node.sorted(by: { $0.key < $1.key }) {
                    h.mix(bytes: name.utf8)
                    h.mix(value.bitPattern)
                }
            }
        }
        return h.value
    }
}

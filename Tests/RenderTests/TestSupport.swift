import Foundation
import Assets
import Codecs
import Diagnostics
import Scene
@testable import Render

typealias MemoryAssetStore = InMemoryAssetStore

/// A deterministic generator for test data (SplitMix64).
struct TestRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * Double(next() >> 11) / Double(1 << 53) }
    /// In [0, 1), 24 random bits.
    mutating func unit() -> Float { Float(next() >> 40) / Float(1 << 24) }
}

/// `compositor.draw` of `layers` onto a black canvas with masks: the image, the instance and
/// semantic masks and the per-layer statistics.
func drawWithMasks(_ compositor: Compositor, _ layers: [Layer], classIds: [UInt16])
    -> (pixels: [Float], instance: [UInt16], semantic: [UInt16], stats: [Compositor.LayerStats]) {
    var pixels = [Float](repeating: 0, count: compositor.width * compositor.height * compositor.channels)
    var instance = [UInt16](repeating: 0, count: compositor.width * compositor.height), semantic = instance
    let stats = pixels.withUnsafeMutableBufferPointer { px in
        instance.withUnsafeMutableBufferPointer { ins in
            semantic.withUnsafeMutableBufferPointer { sem in
                compositor.draw(layers, classIds: classIds, into: px.baseAddress!,
                                masks: Compositor.Masks(instance: ins.baseAddress!, semantic: sem.baseAddress!), tape: nil)
            }
        }
    }
    return (pixels, instance, semantic, stats)
}

/// Places a sprite at random in `p`: centre anywhere within 8 px of a `width × height` canvas
/// (so often partly off it), an angle in [0, 2π) when `rotated` (else 0), scales in [0.5, 3).
func placeRandomly(_ p: inout SIMD16<Float>, width: Int, height: Int, rotated: Bool, _ rng: inout TestRandom) {
    p[LayerParameter.centreX.rawValue] = -8 + Float(width + 16) * rng.unit()
    p[LayerParameter.centreY.rawValue] = -8 + Float(height + 16) * rng.unit()
    p[LayerParameter.rotation.rawValue] = rotated ? 2 * .pi * rng.unit() : 0
    p[LayerParameter.scaleX.rawValue] = 0.5 + 2.5 * rng.unit()
    p[LayerParameter.scaleY.rawValue] = 0.5 + 2.5 * rng.unit()
}

/// Three grey mask sprites (9×7, 14×13, 19×19 texels), about a third of their texels 0, the
/// rest random in [0, 1).
func randomMaskSprites(_ rng: inout TestRandom) throws -> [Sprite] {
    try (0..<3).map { k -> Sprite in
        let (w, h) = (9 + 5 * k, 7 + 6 * k)
        let image = Image(width: w, height: h, channels: 1, pixels: (0..<(w * h)).map { _ in rng.unit() < 0.35 ? 0 : rng.unit() })
        return try Sprite(image: image, canvasChannels: 1, what: "sprite \(k)")
    }
}

/// A 28×28 digit-like grey sprite: a smooth blob with an off-centre stroke (not symmetric).
func digitLikeSprite(seed: UInt64 = 1) -> Image {
    var rng = TestRandom(state: seed)
    let cx = rng.uniform(11, 17), cy = rng.uniform(11, 17)
    var px = [Float](repeating: 0, count: 28 * 28)
    for y in 0..<28 {
        for x in 0..<28 {
            let dx = Double(x) - cx, dy = Double(y) - cy
            let ring = exp(-pow((dx * dx + dy * dy).squareRoot() - 7, 2) / 4)
            let stroke = x > 14 && abs(Double(y) - 6) < 2 ? 0.8 : 0
            px[y * 28 + x] = Float(min(1, ring + stroke))
        }
    }
    return Image(width: 28, height: 28, channels: 1, pixels: px)
}

let digitStore = MemoryAssetStore(name: "digits", images: [digitLikeSprite(seed: 1), digitLikeSprite(seed: 2)], labels: ["3", "7"])

/// A graph: a root, an optional background, then the given object nodes.
func scene(_ objects: [SceneNode], background: SceneNode? = nil) -> SceneGraph {
    var g = SceneGraph()
    let root = g.add(SceneNode(rule: "Scene", className: "scene"), parent: nil)
    if let background { g.add(background, parent: root) }
    for o in objects { g.add(o, parent: root) }
    return g
}

func node(_ className: String, _ attributes: [String: AttributeValue], mutable: Set<String> = [], asset: AssetRef? = nil,
          rule: String = "Object") -> SceneNode {
    SceneNode(rule: rule, className: className, attributes: attributes, mutable: mutable, asset: asset)
}

/// A node that fills the canvas: its `background` attribute (default `constant`) says so; its
/// rule and class (`Backdrop`, `backdrop`) mean nothing to the renderer.
func backdrop(_ attributes: [String: AttributeValue], mutable: Set<String> = [], asset: AssetRef? = nil) -> SceneNode {
    var a = attributes
    if a["background"] == nil { a["background"] = .string("constant") }
    return SceneNode(rule: "Backdrop", className: "backdrop", attributes: a, mutable: mutable, asset: asset)
}

func numbers(_ d: [String: Double]) -> [String: AttributeValue] { d.mapValues { .number($0) } }

/// A 12×10 RGBA sprite: a colour ramp with a soft alpha disc (exercises colour sprites).
func colourSprite() -> Image {
    var px = [Float](repeating: 0, count: 12 * 10 * 4)
    for y in 0..<10 {
        for x in 0..<12 {
            let d = ((Double(x) - 5.5) * (Double(x) - 5.5) / 30 + (Double(y) - 4.5) * (Double(y) - 4.5) / 20).squareRoot()
            let i = (y * 12 + x) * 4
            px[i] = Float(x) / 11
            px[i + 1] = Float(y) / 9
            px[i + 2] = 0.5
            px[i + 3] = Float(max(0, min(1, 1.5 * (1 - d))))
        }
    }
    return Image(width: 12, height: 10, channels: 4, pixels: px)
}

let colourStore = InMemoryAssetStore(name: "colour", images: [colourSprite()], labels: ["badge"])

/// Euclidean distance from `p` (the arc's local frame, px) to the arc, from its definition: to the
/// circle where the direction from its centre lies within the arc's angles, else to the nearer end.
func exactArcDistance(_ p: SIMD2<Double>, _ arc: RoadArc) -> Double {
    let centre = SIMD2(0, -1 / arc.curvature), radius = 1 / abs(arc.curvature)
    let q = p - centre, middle = SIMD2<Double>(0, arc.curvature > 0 ? 1 : -1)
    let angle = atan2(q.x * middle.y - q.y * middle.x, (q * middle).sum())
    if abs(angle) <= abs(arc.curvature) * arc.length / 2 { return abs((q * q).sum().squareRoot() - radius) }
    let ends = [arc.centreline(at: -arc.length / 2), arc.centreline(at: arc.length / 2)]
    return ends.map { e in ((p - e) * (p - e)).sum().squareRoot() }.min()!
}

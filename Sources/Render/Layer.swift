/// One drawable thing of a scene, compiled from a scene-graph node: what it draws, its
/// continuous parameters, and which attributes those parameters came from (for gradients).
struct Layer: Sendable {
    enum Content: Sendable {
        case background(BackgroundFill)
        case sprite(Sprite)
        case shape(ShapeOutline)
    }

    var content: Content
    /// Index of the scene-graph node it came from.
    var node: Int
    var className: String
    /// Continuous parameters, indexed by `LayerParameter` (a fixed-size vector: no allocation).
    var parameters: SIMD16<Float>
    var blend: BlendMode
    /// How attributes drive parameters: parameter = Σ weight × attribute (plus constants).
    var links: [ParameterLink]
    /// Its place on its parent, from its frame (`FramePlacement.anchor`); nil: none.
    var anchor: FrameAnchor? = nil

    /// True for objects (everything but backgrounds): they get an annotation and mask ids.
    var isObject: Bool {
        if case .background = content { return false }
        return true
    }

    subscript(_ p: LayerParameter) -> Float {
        get { parameters[p.rawValue] }
        set { parameters[p.rawValue] = newValue }
    }

    /// What every draw loop and reverse pass reads besides the geometry: opacity, tint, and
    /// whether the blend is `over` (else `max`).
    var paint: (opacity: Float, tint: SIMD3<Float>, over: Bool) { (self[.opacity], tint, blend == .over) }

    var tint: SIMD3<Float> { SIMD3(parameters[LayerParameter.tintR.rawValue], parameters[LayerParameter.tintG.rawValue],
                                   parameters[LayerParameter.tintB.rawValue]) }
}

/// The continuous parameters of a layer. The first six are geometry (they match `GeometrySlot`).
enum LayerParameter: Int, CaseIterable, Sendable {
    case centreX, centreY, rotation, scaleX, scaleY, halfWidth
    case opacity
    case tintR, tintG, tintB
    /// Background gradients: the colour at the far end.
    case endR, endG, endB
    /// Background noise: amplitude of the value noise around the tint.
    case noiseAmplitude

    static let count = allCases.count
}

/// `∂ parameter / ∂ attribute`: the attribute `attribute` of the layer's node (or of `node`,
/// when set: a parent whose frame places this layer) moves `parameter` by `weight` per unit.
/// Weights are local derivatives at the compiled values (exact for the VJP, which is local).
struct ParameterLink: Sendable, Equatable {
    var parameter: LayerParameter
    var attribute: String
    var weight: Float
    /// The node owning `attribute`; nil means the layer's own node.
    var node: Int? = nil
}

/// What a background node fills the canvas with (before its tint and opacity).
enum BackgroundFill: Sendable {
    /// The tint everywhere.
    case constant
    /// From the tint at one side to the end colour at the other, along `angle` (radians,
    /// counter-clockwise, 0 = left to right): `tint · (1 − t) + end · t`, t in [0, 1].
    case gradient(angle: Float)
    /// `tint + amplitude · (n(p) − 0.5)`, n a smooth value noise in [0, 1] on a lattice of
    /// `cell` pixels seeded by `seed`.
    case noise(cell: Float, seed: UInt64)
    /// `tint · image(p)`: an asset image stretched bilinearly over the canvas.
    case image(Sprite)
}

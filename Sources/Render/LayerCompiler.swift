import Diagnostics
import Foundation
import Scene

/// Turns scene-graph nodes into `Layer`s, reading the attributes documented in README.md.
/// Every problem (unknown shape, non-finite number, wrong type, missing asset store) is an
/// `InputError` whose file is `graph N` (the graph's index in the batch) and whose path is
/// `nodes[K].attributes.NAME`.
struct LayerCompiler: Sendable {
    var canvas: Canvas
    /// Fetches the prepared sprite of an asset; throws when the store or asset is missing.
    var sprite: @Sendable (AssetRef) throws -> Sprite
    /// Where `shape` and `frame` names are looked up.
    var shapes: ShapeRegistry = .standard

    /// The layers of `graph`: compiled in graph order (parents before children, so nodes with a
    /// `frame` are placed on their already compiled parent), then objects listed in an `avoid`
    /// attribute are dropped where they overlap (`ObjectAvoidance`), then stably sorted by
    /// `z_order` (default 0; higher draws later, on top). Nodes that draw nothing (no asset, no
    /// `shape`, not a background, or `visible: false`) are skipped.
    func layers(of graph: SceneGraph, graphIndex: Int) throws -> [Layer] {
        var out: [Layer] = []
        out.reserveCapacity(graph.nodes.count)
        var curves: [Int: any PlacementCurve] = [:]
        // Per layer `z_order`s and `avoid` lists are kept only once one differs from the first
        // layer's order or is not empty; until then every layer stays, in graph order (the
        // common case: no arrays made per graph).
        var zOrders: [Double]? = nil, firstZOrder = 0.0
        var avoids: [[String]]? = nil
        var lastAvoid: (text: String, classes: [String])? = nil
        // Nodes are read in place, by index: a copy retains every string and collection a node
        // holds (a sizeable part of a small image's cost).
        try withUnsafeTemporaryAllocation(of: Int.self, capacity: graph.nodes.count) { layerOfNode in
            for k in graph.nodes.indices {
                layerOfNode[k] = -1
                var parentLayer: Layer? = nil, parentCurve: (any PlacementCurve)? = nil
                if let p = graph.nodes[k].parent, p >= 0, p < k, layerOfNode[p] >= 0 { parentLayer = out[layerOfNode[p]]; parentCurve = curves[p] }
                var childFrame: (any PlacementCurve)? = nil
                var reader = AttributeReader(attributes: graph.nodes[k].attributes, graphIndex: graphIndex, nodeIndex: k)
                guard let compiled = try layer(className: graph.nodes[k].className, asset: graph.nodes[k].asset, &reader,
                                               parent: parentLayer, parentCurve: parentCurve, childFrame: &childFrame) else { continue }
                layerOfNode[k] = out.count
                if let childFrame { curves[k] = childFrame }
                let zOrder = try reader.number(.zOrder) ?? 0, avoid = try ObjectAvoidance.classes(reader, last: &lastAvoid)
                if out.isEmpty { firstZOrder = zOrder }
                if zOrders == nil && zOrder != firstZOrder { zOrders = Array(repeating: firstZOrder, count: out.count) }
                if avoids == nil && !avoid.isEmpty { avoids = Array(repeating: [], count: out.count) }
                zOrders?.append(zOrder)
                avoids?.append(avoid)
                out.append(compiled)
            }
        }
        if zOrders == nil && avoids == nil { return out }
        var keep = avoids.map { ObjectAvoidance.survivors(out, avoid: $0) } ?? Array(out.indices)
        if let zOrders {
            keep.sort { zOrders[$0] < zOrders[$1] || (zOrders[$0] == zOrders[$1] && $0 < $1) }
        }
        return keep.count == out.count && keep == Array(out.indices) ? out : keep.map { out[$0] }
    }

    /// The layer of a node of class `className` and asset `asset` whose attributes `reader` reads
    /// (nil when it draws nothing); `childFrame` receives the frame its shape offers its
    /// children. (The node's fields are passed, not the node: a copy of a node retains each of
    /// its strings and collections.)
    func layer(className: String, asset: AssetRef?, _ reader: inout AttributeReader, parent: Layer? = nil,
               parentCurve: (any PlacementCurve)? = nil, childFrame: inout (any PlacementCurve)?) throws -> Layer? {
        let k = reader.nodeIndex, g = reader.graphIndex
        if let visible = reader.value(.visible) {
            guard case .bool(let b) = visible else { throw reader.error("visible", "must be true or false") }
            if !b { return nil }
        }
        // What fills the canvas is said by the node itself (its `background` attribute), never by
        // its rule or class name.
        let isBackground = reader.value(.background) != nil
        let content: Layer.Content
        var natural = SIMD2<Float>(1, 1)
        var drawing: ShapeDrawing? = nil
        if isBackground {
            content = .background(try backgroundFill(asset: asset, &reader))
        } else if let ref = asset {
            let s: Sprite
            do { s = try sprite(ref) } catch var e as InputError {
                e.path = "nodes[\(k)].asset" + (e.path.isEmpty ? "" : "." + e.path)
                e.message = "\(ref.store)#\(ref.index): \(e.message)"
                e.file = "graph \(g)"
                throw e
            }
            content = .sprite(s)
            natural = SIMD2(Float(s.width), Float(s.height))
        } else if let shape = reader.value(.shape) {
            guard case .string(let name) = shape else { throw reader.error("shape", "must be a string") }
            guard let kind = shapes.shape(named: name) else {
                throw reader.error("shape", "unknown shape '\(name)'; expected one of \(shapes.shapeNames.joined(separator: ", "))")
            }
            let compiled = try kind.compile(reader)
            drawing = compiled
            content = .shape(compiled.outline)
        } else {
            return nil
        }
        var layer = Layer(content: content, node: k, className: className, parameters: .zero, blend: .over, links: [])
        // A sprite or shape links ~6 parameters: one allocation, reserved in place (a local array
        // handed to the layer stayed referenced, so the first append copied it).
        layer.links.reserveCapacity(8)
        if isBackground {
            layer[.scaleX] = 1; layer[.scaleY] = 1; layer[.opacity] = try opacity(&layer, &reader)
        } else {
            try readPlacement(into: &layer, &reader, natural: natural, drawing: drawing)
        }
        if let frameName = try reader.string(.frame) {
            guard let frame = shapes.frame(named: frameName) else {
                throw reader.error("frame", "unknown frame '\(frameName)'; expected \(shapes.frameNames.joined(separator: " or "))")
            }
            guard !isBackground else { throw reader.error("frame", "a background fills the canvas; it cannot be placed in a frame") }
            try applyFrame(frame, to: &layer, reader, natural: natural, parent: parent, parentCurve: parentCurve)
        }
        try readColour(into: &layer, &reader, isBackground: isBackground)
        if let blend = try reader.string(.blend) {
            guard let mode = BlendMode(rawValue: blend) else { throw reader.error("blend", "unknown blend '\(blend)'; expected over or max") }
            layer.blend = mode
        }
        childFrame = drawing?.childFrame
        return layer
    }

    /// Position, rotation, size, stroke width and opacity of a sprite (`drawing` nil) or shape.
    private func readPlacement(into layer: inout Layer, _ r: inout AttributeReader, natural: SIMD2<Float>,
                               drawing: ShapeDrawing?) throws {
        let defaultCentre = drawing?.defaultCentre == .canvasOrigin
            ? SIMD2<Float>(0, 0) : SIMD2(Float(canvas.width), Float(canvas.height)) / 2
        layer[.centreX] = try r.linked(.locX, .centreX, 1, default: defaultCentre.x, into: &layer.links)
        layer[.centreY] = try r.linked(.locY, .centreY, 1, default: defaultCentre.y, into: &layer.links)
        let degrees = Float.pi / 180
        layer[.rotation] = try r.linked(.yaw, .rotation, degrees, default: 0, into: &layer.links)
        if drawing?.sizing == .scaleOnly {
            for name in [AttributeName.size, .sizeX, .sizeY] where r.value(name) != nil {
                throw r.error(name.string, "has no meaning for shapes drawn from points (polygons, polylines); use scale, scale_x, scale_y")
            }
        }
        layer[.scaleX] = try scale(&layer, &r, size: .sizeX, scale: .scaleX, .scaleX, natural: natural.x, longest: max(natural.x, natural.y))
        layer[.scaleY] = try scale(&layer, &r, size: .sizeY, scale: .scaleY, .scaleY, natural: natural.y, longest: max(natural.x, natural.y))
        layer[.halfWidth] = try r.linked(.width, .halfWidth, 0.5, default: 2, into: &layer.links)
        layer[.opacity] = try opacity(&layer, &r)
    }

    /// Scale along one axis: `size_x` (px) > `size` (px, longer side) > `scale_x` > `scale` > 1.
    private func scale(_ layer: inout Layer, _ r: inout AttributeReader, size: AttributeName, scale: AttributeName, _ p: LayerParameter,
                       natural: Float, longest: Float) throws -> Float {
        if let v = r.value(size) { return try r.linked(size.string, v, p, 1 / natural, into: &layer.links) }
        if let v = r.value(.size) { return try r.linked("size", v, p, 1 / longest, into: &layer.links) }
        if let v = r.value(scale) { return try r.linked(scale.string, v, p, 1, into: &layer.links) }
        return try r.linked(.scale, p, 1, default: 1, into: &layer.links)
    }

    private func opacity(_ layer: inout Layer, _ r: inout AttributeReader) throws -> Float {
        let raw = try r.number(.opacity) ?? 1
        if raw >= 0 && raw <= 1 { layer.links.append(ParameterLink(parameter: .opacity, attribute: "opacity", weight: 1)) }
        return Float(min(max(raw, 0), 1))
    }

    private func readColour(into layer: inout Layer, _ r: inout AttributeReader, isBackground: Bool) throws {
        // Grey level: `intensity`, else a numeric `texture` (Meta-Sim's name), else the default.
        var greyName: String? = nil
        var grey: Float = isBackground ? 0 : 1
        if case .number(let v)? = r.value(.intensity) {
            greyName = "intensity"; grey = Float(try r.number("intensity", .number(v)))
        } else if case .number(let v)? = r.value(.texture) {
            greyName = "texture"; grey = Float(try r.number("texture", .number(v)))
        }
        var rgb = SIMD3<Float>(repeating: grey)
        // The attribute each channel comes from (nil: a constant).
        var sources = ChannelSources(r: greyName, g: greyName, b: greyName)
        if let hex = try r.string(.color) {
            guard let parsed = parseHexColour(hex) else { throw r.error("color", "expected #rrggbb, got '\(hex)'") }
            rgb = parsed
            sources = ChannelSources(r: nil, g: nil, b: nil)
        }
        for (c, name) in AttributeName.colors.enumerated() {
            if let v = try r.number(name) { rgb[c] = Float(v); sources[c] = name.string }
        }
        let tints = LayerCompiler.tints
        if canvas.channels == 1 {
            // A grey canvas draws luminance; a grey level alone keeps exactly its value.
            let weights = SIMD3<Float>(0.299, 0.587, 0.114)
            let uniform = rgb.x == rgb.y && rgb.y == rgb.z && sources[0] == sources[1] && sources[1] == sources[2]
            setTint(&layer, SIMD3(repeating: uniform ? rgb.x : (rgb * weights).sum()))
            if uniform {
                if let name = sources[0] { layer.links.append(ParameterLink(parameter: .tintR, attribute: name, weight: 1)) }
            } else {
                for c in 0..<3 {
                    if let name = sources[c] { layer.links.append(ParameterLink(parameter: .tintR, attribute: name, weight: weights[c])) }
                }
            }
        } else {
            setTint(&layer, rgb)
            for c in 0..<3 {
                if let name = sources[c] { layer.links.append(ParameterLink(parameter: tints[c], attribute: name, weight: 1)) }
            }
        }
        if isBackground { try readBackgroundExtras(into: &layer, &r) }
    }

    // Built once, not per node.
    private static let tints: [LayerParameter] = [.tintR, .tintG, .tintB]
    private static let ends: [LayerParameter] = [.endR, .endG, .endB]

    private func setTint(_ layer: inout Layer, _ rgb: SIMD3<Float>) {
        layer[.tintR] = rgb.x; layer[.tintG] = rgb.y; layer[.tintB] = rgb.z
    }

    private func readBackgroundExtras(into layer: inout Layer, _ r: inout AttributeReader) throws {
        let tint = layer.tint
        let endGrey = try r.number(.endIntensity).map(Float.init)
        let ends = LayerCompiler.ends, names = AttributeName.endColors
        for c in 0..<3 {
            let def = endGrey ?? tint[c]
            if canvas.channels == 3, r.value(names[c]) != nil {
                layer[ends[c]] = try r.linked(names[c], ends[c], 1, default: def, into: &layer.links)
            } else {
                layer[ends[c]] = def
                if endGrey != nil { layer.links.append(ParameterLink(parameter: ends[c], attribute: "end_intensity", weight: 1)) }
            }
        }
        layer[.noiseAmplitude] = try r.linked(.noiseAmplitude, .noiseAmplitude, 1, default: 0.2, into: &layer.links)
    }

    private func backgroundFill(asset: AssetRef?, _ r: inout AttributeReader) throws -> BackgroundFill {
        guard let kind = try r.string(.background) else { throw r.error("background", "missing: expected constant, gradient, noise or image") }
        switch kind {
        case "constant": return .constant
        case "gradient": return .gradient(angle: Float(try r.number(.gradientAngle) ?? 0) * .pi / 180)
        case "noise":
            let cell = try r.number(.noiseScale) ?? 8
            guard cell > 0 else { throw r.error("noise_scale", "must be > 0 pixels") }
            let seed = try r.number(.noiseSeed) ?? 0
            return .noise(cell: Float(cell), seed: UInt64(bitPattern: Int64(seed.rounded())))
        case "image":
            guard let ref = asset else { throw r.error("background", "an image background needs the node's `asset`") }
            return .image(try sprite(ref))
        default:
            throw r.error("background", "unknown background '\(kind)'; expected constant, gradient, noise or image")
        }
    }
}

/// The attribute each colour channel comes from (nil: a constant): three names, not an array
/// (no allocation per node).
private struct ChannelSources {
    var r: String?, g: String?, b: String?

    subscript(channel: Int) -> String? {
        get { channel == 0 ? r : channel == 1 ? g : b }
        set {
            switch channel {
            case 0: r = newValue
            case 1: g = newValue
            default: b = newValue
            }
        }
    }
}

/// `#rrggbb` → RGB in [0, 1], nil when malformed.
func parseHexColour(_ s: String) -> SIMD3<Float>? {
    var hex = Substring(s)
    if hex.hasPrefix("#") { hex = hex.dropFirst() }
    guard hex.count == 6, let v = UInt32(hex, radix: 16) else { return nil }
    return SIMD3(Float((v >> 16) & 255), Float((v >> 8) & 255), Float(v & 255)) / 255
}

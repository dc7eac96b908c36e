import Diagnostics
import Foundation
import Scene

/// Turns scene-graph nodes into `Layer`s, reading the attributes documented in README.md.
/// Every problem (unknown shape, non-finite number, wrong type, missing asset store) is an
/// `InputError` whose file is `graph N` (the graph's index in the batch) and whose path is
/// `nodes[K].attributes.NAME`.
struct LayerCompiler {
    var canvas: Canvas
    /// Fetches the prepared sprite of an asset; throws when the store or asset is missing.
    var sprite: (AssetRef) throws -> Sprite

    static let shapeNames = ["rectangle", "rect", "square", "ellipse", "circle", "polygon", "polyline", "road"]

    /// The layers of `graph`: compiled in graph order (parents before children, so `frame: parent`
    /// nodes are placed on their already compiled road), then objects listed in an `avoid`
    /// attribute are dropped where they overlap (`ObjectAvoidance`), then stably sorted by
    /// `z_order` (default 0; higher draws later, on top). Nodes that draw nothing (no asset, no
    /// `shape`, not a background, or `visible: false`) are skipped.
    func layers(of graph: SceneGraph, graphIndex: Int) throws -> [Layer] {
        var out: [Layer] = []
        out.reserveCapacity(graph.nodes.count)
        var layerOfNode = [Int](repeating: -1, count: graph.nodes.count)
        var arcs: [Int: RoadArc] = [:]
        var zOrders: [Double] = []
        var avoids: [[String]] = []
        for (k, node) in graph.nodes.enumerated() {
            var parentLayer: Layer? = nil, parentArc: RoadArc? = nil
            if let p = node.parent, p >= 0, p < k, layerOfNode[p] >= 0 { parentLayer = out[layerOfNode[p]]; parentArc = arcs[p] }
            guard let compiled = try layer(node, index: k, graphIndex: graphIndex, parent: parentLayer, parentArc: parentArc) else { continue }
            let reader = AttributeReader(node: node, graphIndex: graphIndex, nodeIndex: k)
            layerOfNode[k] = out.count
            if let arc = compiled.arc { arcs[k] = arc }
            out.append(compiled.layer)
            zOrders.append(try reader.number("z_order") ?? 0)
            avoids.append(try ObjectAvoidance.classes(reader))
        }
        var keep = ObjectAvoidance.survivors(out, avoid: avoids)
        if !zOrders.allSatisfy({ $0 == zOrders[0] }) {
            keep.sort { zOrders[$0] < zOrders[$1] || (zOrders[$0] == zOrders[$1] && $0 < $1) }
        }
        return keep.count == out.count && keep == Array(out.indices) ? out : keep.map { out[$0] }
    }

    /// One node's layer (nil when it draws nothing) and, for arc roads, their arc.
    func layer(_ node: SceneNode, index k: Int, graphIndex g: Int, parent: Layer? = nil,
               parentArc: RoadArc? = nil) throws -> (layer: Layer, arc: RoadArc?)? {
        var reader = AttributeReader(node: node, graphIndex: g, nodeIndex: k)
        if let visible = reader.value("visible") {
            guard case .bool(let b) = visible else { throw reader.error("visible", "must be true or false") }
            if !b { return nil }
        }
        let isBackground = node.rule == "Background" || node.className == "Background"
        let content: Layer.Content
        var natural = SIMD2<Float>(1, 1)
        var allowsSize = true
        var arc: RoadArc? = nil
        if isBackground {
            content = .background(try backgroundFill(node, &reader))
        } else if let ref = node.asset {
            let s: Sprite
            do { s = try sprite(ref) } catch var e as InputError {
                e.path = "nodes[\(k)].asset" + (e.path.isEmpty ? "" : "." + e.path)
                e.message = "\(ref.store)#\(ref.index): \(e.message)"
                e.file = "graph \(g)"
                throw e
            }
            content = .sprite(s)
            natural = SIMD2(Float(s.width), Float(s.height))
        } else if let shape = reader.value("shape") {
            guard case .string(let name) = shape else { throw reader.error("shape", "must be a string") }
            switch name.lowercased() {
            case "rectangle", "rect", "square": content = .shape(.rectangle)
            case "ellipse", "circle": content = .shape(.ellipse)
            case "polygon": content = .shape(.polygon(try polygonVertices(&reader))); allowsSize = false
            case "polyline", "road":
                if name.lowercased() == "road", let a = try roadArc(&reader) {
                    arc = a
                    content = .shape(.polyline(a.vertices))
                } else {
                    content = .shape(.polyline(try reader.points("points", minimum: 2)))
                }
                allowsSize = false
            default:
                throw reader.error("shape", "unknown shape '\(name)'; expected one of \(Self.shapeNames.joined(separator: ", "))")
            }
        } else {
            return nil
        }
        var layer = Layer(content: content, node: k, className: node.className,
                          parameters: .zero, blend: .over, links: [])
        try readPlacement(into: &layer, &reader, natural: natural, allowsSize: allowsSize, isBackground: isBackground,
                          centredPoints: arc != nil)
        if let frame = try reader.string("frame") {
            guard frame == "parent" else { throw reader.error("frame", "unknown frame '\(frame)'; expected parent") }
            guard !isBackground else { throw reader.error("frame", "a background fills the canvas; it cannot be placed on a road") }
            try placeOnParent(&layer, &reader, natural: natural, parent: parent, parentArc: parentArc)
        }
        try readColour(into: &layer, &reader, isBackground: isBackground)
        if let blend = try reader.string("blend") {
            guard let mode = BlendMode(rawValue: blend) else { throw reader.error("blend", "unknown blend '\(blend)'; expected over or max") }
            layer.blend = mode
        }
        return (layer, arc)
    }

    private func polygonVertices(_ reader: inout AttributeReader) throws -> [SIMD2<Float>] {
        if reader.value("points") != nil { return try reader.points("points", minimum: 3) }
        guard let sides = try reader.number("sides") else {
            throw reader.error("points", "a polygon needs `points` (\"x,y x,y ...\") or `sides`")
        }
        guard sides >= 3, sides <= 1024, sides == sides.rounded() else { throw reader.error("sides", "must be a whole number from 3 to 1024") }
        let n = Int(sides)
        // Regular polygon inscribed in the unit circle of diameter 1, first vertex up.
        return (0..<n).map { i in
            let a = Float.pi / 2 + 2 * Float.pi * Float(i) / Float(n)
            return SIMD2(0.5 * cos(a), -0.5 * sin(a))
        }
    }

    private func readPlacement(into layer: inout Layer, _ r: inout AttributeReader, natural: SIMD2<Float>,
                               allowsSize: Bool, isBackground: Bool, centredPoints: Bool) throws {
        if isBackground { layer[.scaleX] = 1; layer[.scaleY] = 1; layer[.opacity] = try opacity(&layer, &r); return }
        let absolutePoints: Bool
        if case .shape(.polygon) = layer.content { absolutePoints = r.value("points") != nil } else
        if case .shape(.polyline) = layer.content { absolutePoints = !centredPoints } else { absolutePoints = false }
        let defaultCentre = absolutePoints ? SIMD2<Float>(0, 0) : SIMD2(Float(canvas.width), Float(canvas.height)) / 2
        layer[.centreX] = try r.linked("loc_x", .centreX, 1, default: defaultCentre.x, into: &layer.links)
        layer[.centreY] = try r.linked("loc_y", .centreY, 1, default: defaultCentre.y, into: &layer.links)
        let degrees = Float.pi / 180
        layer[.rotation] = try r.linked("yaw", .rotation, degrees, default: 0, into: &layer.links)
        if !allowsSize {
            for name in ["size", "size_x", "size_y"] where r.value(name) != nil {
                throw r.error(name, "has no meaning for polygons given by points and polylines; use scale, scale_x, scale_y")
            }
        }
        layer[.scaleX] = try scale(&layer, &r, size: "size_x", scale: "scale_x", .scaleX, natural: natural.x, longest: max(natural.x, natural.y))
        layer[.scaleY] = try scale(&layer, &r, size: "size_y", scale: "scale_y", .scaleY, natural: natural.y, longest: max(natural.x, natural.y))
        layer[.halfWidth] = try r.linked("width", .halfWidth, 0.5, default: 2, into: &layer.links)
        layer[.opacity] = try opacity(&layer, &r)
    }

    /// Scale along one axis: `size_x` (px) > `size` (px, longer side) > `scale_x` > `scale` > 1.
    private func scale(_ layer: inout Layer, _ r: inout AttributeReader, size: String, scale: String, _ p: LayerParameter,
                       natural: Float, longest: Float) throws -> Float {
        if r.value(size) != nil { return try r.linked(size, p, 1 / natural, default: 0, into: &layer.links) }
        if r.value("size") != nil { return try r.linked("size", p, 1 / longest, default: 0, into: &layer.links) }
        if r.value(scale) != nil { return try r.linked(scale, p, 1, default: 1, into: &layer.links) }
        return try r.linked("scale", p, 1, default: 1, into: &layer.links)
    }

    private func opacity(_ layer: inout Layer, _ r: inout AttributeReader) throws -> Float {
        let raw = try r.number("opacity") ?? 1
        if raw >= 0 && raw <= 1 { layer.links.append(ParameterLink(parameter: .opacity, attribute: "opacity", weight: 1)) }
        return Float(min(max(raw, 0), 1))
    }

    private func readColour(into layer: inout Layer, _ r: inout AttributeReader, isBackground: Bool) throws {
        // Grey level: `intensity`, else a numeric `texture` (Meta-Sim's name), else the default.
        var greyName: String? = nil
        if case .number? = r.value("intensity") { greyName = "intensity" } else if case .number? = r.value("texture") { greyName = "texture" }
        let grey = try greyName.map { Float(try r.number($0)!) } ?? (isBackground ? 0 : 1)
        var rgb = SIMD3<Float>(repeating: grey)
        // The attribute each channel comes from (nil: a constant).
        var sources: [String?] = [greyName, greyName, greyName]
        if let hex = try r.string("color") {
            guard let parsed = parseHexColour(hex) else { throw r.error("color", "expected #rrggbb, got '\(hex)'") }
            rgb = parsed
            sources = [nil, nil, nil]
        }
        for (c, name) in ["color_r", "color_g", "color_b"].enumerated() {
            if let v = try r.number(name) { rgb[c] = Float(v); sources[c] = name }
        }
        let tints: [LayerParameter] = [.tintR, .tintG, .tintB]
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

    private func setTint(_ layer: inout Layer, _ rgb: SIMD3<Float>) {
        layer[.tintR] = rgb.x; layer[.tintG] = rgb.y; layer[.tintB] = rgb.z
    }

    private func readBackgroundExtras(into layer: inout Layer, _ r: inout AttributeReader) throws {
        let tint = layer.tint
        let endGrey = try r.number("end_intensity").map(Float.init)
        let ends: [LayerParameter] = [.endR, .endG, .endB]
        let names = ["end_color_r", "end_color_g", "end_color_b"]
        for c in 0..<3 {
            let def = endGrey ?? tint[c]
            if canvas.channels == 3, r.value(names[c]) != nil {
                layer[ends[c]] = try r.linked(names[c], ends[c], 1, default: def, into: &layer.links)
            } else {
                layer[ends[c]] = def
                if endGrey != nil { layer.links.append(ParameterLink(parameter: ends[c], attribute: "end_intensity", weight: 1)) }
            }
        }
        layer[.noiseAmplitude] = try r.linked("noise_amplitude", .noiseAmplitude, 1, default: 0.2, into: &layer.links)
    }

    private func backgroundFill(_ node: SceneNode, _ r: inout AttributeReader) throws -> BackgroundFill {
        let kind = try r.string("background") ?? (node.asset != nil ? "image" : "constant")
        switch kind {
        case "constant": return .constant
        case "gradient": return .gradient(angle: Float(try r.number("gradient_angle") ?? 0) * .pi / 180)
        case "noise":
            let cell = try r.number("noise_scale") ?? 8
            guard cell > 0 else { throw r.error("noise_scale", "must be > 0 pixels") }
            let seed = try r.number("noise_seed") ?? 0
            return .noise(cell: Float(cell), seed: UInt64(bitPattern: Int64(seed.rounded())))
        case "image":
            guard let ref = node.asset else { throw r.error("background", "an image background needs the node's `asset`") }
            return .image(try sprite(ref))
        default:
            throw r.error("background", "unknown background '\(kind)'; expected constant, gradient, noise or image")
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

/// Draws compiled layers, in order, into one image buffer; optionally records ground-truth masks
/// and a tape of what each layer covered (for the exact VJP).
///
/// Per pixel centre `p` and channel `c`, a layer gives alpha `a = opacity · A(p)` and premultiplied
/// source `s_c = opacity · tint_c · P_c(p)` (`P = A` except for colour sprites; backgrounds have
/// `A = 1`, `P_c` = their fill). Blend over: `out = s + (1 − a) · under`; max: `out = max(under, s)`.
/// The canvas starts black (0).
struct Compositor {
    let width: Int
    let height: Int
    let channels: Int
    /// A layer is visible at a pixel (masks, boxes, counts) when `a ≥ visibilityThreshold`.
    let visibilityThreshold: Float

    /// Per-layer facts gathered while drawing, for ground truth.
    struct LayerStats {
        /// Pixels with `a ≥ threshold` on an unbounded canvas.
        var coveredPixels = 0
        /// Canvas pixels with `A > 0`.
        var touchedPixels = 0
    }

    /// Draws `layers` into `out` (`width × height × channels`, overwritten).
    /// - Parameters:
    ///   - instance/semantic: when non-nil, `width × height` masks (overwritten): the 1-based object
    ///     number among object layers and `classIds[k]` of the front-most visible object.
    ///   - tape: when non-nil, receives each layer's clipped support box contents before it is drawn.
    /// - Returns: per layer statistics (empty when `instance` is nil).
    func draw(_ layers: [Layer], classIds: [UInt16], into out: UnsafeMutablePointer<Float>,
              instance: UnsafeMutablePointer<UInt16>?, semantic: UnsafeMutablePointer<UInt16>?,
              tape: UnsafeMutablePointer<[Float]>?) -> [LayerStats] {
        out.initialize(repeating: 0, count: width * height * channels)
        if let instance { instance.initialize(repeating: 0, count: width * height) }
        if let semantic { semantic.initialize(repeating: 0, count: width * height) }
        var stats: [LayerStats] = instance == nil ? [] : Array(repeating: LayerStats(), count: layers.count)
        var objectNumber: UInt16 = 0
        for (k, layer) in layers.enumerated() {
            let support = layer.supportBox(width: width, height: height)
            let box = support.clipped(width: width, height: height)
            if let tape, !box.isEmpty { record(box, from: out, into: tape) }
            var id: UInt16 = 0, cls: UInt16 = 0
            if layer.isObject { objectNumber &+= 1; id = objectNumber; cls = classIds[k] }
            var s = LayerStats()
            drawLayer(layer, box: box, into: out, id: id, cls: cls, instance: instance, semantic: semantic, stats: &s)
            if instance != nil {
                if layer.isObject { s.coveredPixels += countCoveredOutside(layer, support: support, inside: box) }
                stats[k] = s
            }
        }
        return stats
    }

    private func record(_ box: PixelBox, from out: UnsafeMutablePointer<Float>, into tape: UnsafeMutablePointer<[Float]>) {
        for y in box.y0..<box.y1 {
            let start = (y * width + box.x0) * channels
            tape.pointee.append(contentsOf: UnsafeBufferPointer(start: out + start, count: (box.x1 - box.x0) * channels))
        }
    }

    private func drawLayer(_ layer: Layer, box: PixelBox, into out: UnsafeMutablePointer<Float>, id: UInt16, cls: UInt16,
                           instance: UnsafeMutablePointer<UInt16>?, semantic: UnsafeMutablePointer<UInt16>?,
                           stats: inout LayerStats) {
        if box.isEmpty { return }
        let opacity = layer[.opacity]
        let tint = layer.tint
        let threshold = visibilityThreshold
        let over = layer.blend == .over
        let g = layer.floatGeometry
        let background: BackgroundKernel? = {
            if case .background(let fill) = layer.content { return BackgroundKernel(fill: fill, width: width, height: height) }
            return nil
        }()
        withLayerBuffers(layer) { alphaPlane, colourPlane, vertices in
            for y in box.y0..<box.y1 {
                let Y = Float(y) + 0.5
                for x in box.x0..<box.x1 {
                    let X = Float(x) + 0.5
                    let A: Float = background != nil ? 1 : layerAlpha(layer, g, X: X, Y: Y, alphaPlane: alphaPlane, vertices: vertices)
                    if A == 0 { continue }
                    let a = opacity * A
                    let p = y * width + x
                    for c in 0..<channels {
                        let P: Float
                        if let background {
                            P = background.value(x: x, y: y, channel: c, channels: channels, layer: layer)
                        } else if let colourPlane, case .sprite(let s) = layer.content {
                            P = tint[c] * spriteColour(s, g, X: X, Y: Y, colourPlane: colourPlane, channel: c)
                        } else {
                            P = tint[c] * A
                        }
                        let src = opacity * P
                        let under = out[p * channels + c]
                        out[p * channels + c] = over ? src + (1 - a) * under : max(under, src)
                    }
                    if instance != nil {
                        stats.touchedPixels += 1
                        if a >= threshold {
                            stats.coveredPixels += 1
                            instance![p] = id
                            semantic![p] = cls
                        }
                    }
                }
            }
        }
    }

    /// Pixels of `support` outside `inside` (the part beyond the canvas) where `a ≥ threshold`.
    private func countCoveredOutside(_ layer: Layer, support: PixelBox, inside: PixelBox) -> Int {
        if support.isEmpty || support == inside { return 0 }
        let g = layer.floatGeometry
        let opacity = layer[.opacity]
        var count = 0
        withLayerBuffers(layer) { alphaPlane, _, vertices in
            for y in support.y0..<support.y1 {
                let rowInside = y >= inside.y0 && y < inside.y1 && !inside.isEmpty
                for x in support.x0..<support.x1 {
                    if rowInside && x >= inside.x0 && x < inside.x1 { continue }
                    let A: Float = layerAlpha(layer, g, X: Float(x) + 0.5, Y: Float(y) + 0.5, alphaPlane: alphaPlane, vertices: vertices)
                    if opacity * A >= visibilityThreshold { count += 1 }
                }
            }
        }
        return count
    }
}

/// Calls `body` with the layer's sprite alpha plane, colour plane (colour sprites only) and
/// vertices (polygons and polylines; else empty).
@inline(__always) func withLayerBuffers<R>(_ layer: Layer, _ body: (UnsafePointer<Float>?, UnsafePointer<Float>?,
                                                                    UnsafeBufferPointer<SIMD2<Float>>) -> R) -> R {
    switch layer.content {
    case .sprite(let s):
        return s.alpha.withUnsafeBufferPointer { a in
            if let colour = s.colour {
                return colour.withUnsafeBufferPointer { c in body(a.baseAddress, c.baseAddress, UnsafeBufferPointer(start: nil, count: 0)) }
            }
            return body(a.baseAddress, nil, UnsafeBufferPointer(start: nil, count: 0))
        }
    case .shape(.polygon(let v)), .shape(.polyline(let v)):
        return v.withUnsafeBufferPointer { body(nil, nil, $0) }
    default:
        return body(nil, nil, UnsafeBufferPointer(start: nil, count: 0))
    }
}

import Parallel
import Scene

/// Exact reverse pass of `Compositor`: replays the layers from front to back using the tape of what
/// each covered, and accumulates dL/d(layer parameter), then dL/d(attribute) through the links.
///
/// Derivatives are those of the piecewise-smooth forward: bilinear sampling is differentiated
/// inside its cell, the 1-pixel edge ramp inside the ramp, clamps give 0 outside their range, and
/// `max` blending sends the gradient to the larger input (to `under` on ties). Pixels where a
/// layer's coverage is exactly 0 contribute nothing, as in the forward pass.
extension CompositorRenderer {
    /// Exact gradients for each graph, computed in parallel. Throws `RenderError.mismatch` for wrong
    /// gradient counts or lengths and `InputError` for graphs that do not compile.
    public func vjp(_ graphs: [SceneGraph], imageGradients: [[Float]]) throws -> [AttributeGradients] {
        try validateVJPInputs(graphs, imageGradients)
        _ = MemoryTuning.applied
        return try parallelMap(graphs.count) { i in
            let (layers, ids) = try compile(graphs[i], index: i)
            let parameterGradients = layerParameterGradients(layers, classIds: ids, imageGradient: imageGradients[i],
                                                             from: lowestLayerReachingMutables(graphs[i], layers: layers))
            return attributeGradients(graphs[i], layers: layers, parameterGradients: parameterGradients)
        }
    }

    /// The lowest layer (draw order) with a link to one of its graph's mutable numeric attributes
    /// (those `AttributeGradients` holds); `layers.count` when no layer has one. The layers below
    /// it reach no attribute gradient, directly or through what they pass down (dL/d under flows
    /// only to lower layers), so the reverse pass stops there.
    func lowestLayerReachingMutables(_ graph: SceneGraph, layers: [Layer]) -> Int {
        for (k, layer) in layers.enumerated() {
            for link in layer.links {
                let node = link.node ?? layer.node
                // Nodes without mutable attributes (most) are passed over without hashing.
                if graph.nodes[node].mutable.isEmpty { continue }
                if graph.nodes[node].mutable.contains(link.attribute), case .number? = graph.nodes[node].attributes[link.attribute] { return k }
            }
        }
        return layers.count
    }

    /// dL/d(parameter) per layer, indexed by `LayerParameter`, for layers `lowest` and above; the
    /// layers below `lowest` get zeros without a reverse pass (and are not taped), which leaves
    /// every gradient of the layers from `lowest` on as it is (the reverse pass runs top down).
    func layerParameterGradients(_ layers: [Layer], classIds: [UInt16], imageGradient: [Float], from lowest: Int = 0) -> [[Double]] {
        var result = [[Double]](repeating: [Double](repeating: 0, count: LayerParameter.count), count: layers.count)
        if lowest >= layers.count { return result }
        let comp = compositor
        // Background kernels (a noise plane each) once, for the forward and the reverse pass.
        let backgrounds = layers.map { layer -> BackgroundKernel? in
            guard case .background(let fill) = layer.content, layer[.opacity] != 0 else { return nil }
            return BackgroundKernel(fill: fill, width: canvas.width, height: canvas.height, channels: canvas.channels)
        }
        // The forward pass records the rows of shapes drawn with spans for the reverse pass.
        let rowLogs = layers.enumerated().map { k, layer -> RowLog? in
            guard k >= lowest, case .shape = layer.content, comp.spans else { return nil }
            let box = layer.supportBox(width: canvas.width, height: canvas.height).clipped(width: canvas.width, height: canvas.height)
            guard !box.isEmpty else { return nil }
            var segments = 0
            if case .shape(.polyline(let v)) = layer.content { segments = v.count }
            return RowLog(rows: box.y1 - box.y0, segments: segments)
        }
        let tapesFirst = comp.tapesFirstLayer(layers)
        var tape: [Float] = []
        // Uninitialised: `draw` initialises every value.
        var pixels = [Float](unsafeUninitializedCapacity: imageGradient.count) { $1 = imageGradient.count }
        pixels.withUnsafeMutableBufferPointer { px in
            _ = withUnsafeMutablePointer(to: &tape) {
                comp.draw(layers, classIds: classIds, into: px.baseAddress!, masks: nil, tape: $0, tapeFrom: lowest,
                          backgrounds: backgrounds, rowLogs: rowLogs)
            }
        }
        // A copy to turn into dL/d under in place, by one memcpy (a copy-on-write of the array
        // copied value by value: ~4 instructions per value).
        var grad = [Float](unsafeUninitializedCapacity: imageGradient.count) { buffer, count in
            imageGradient.withUnsafeBytes { source in
                if let base = source.baseAddress { UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: base, byteCount: source.count) }
            }
            count = imageGradient.count
        }
        var offset = tape.count
        tape.withUnsafeBufferPointer { tapeBuffer in
            grad.withUnsafeMutableBufferPointer { g in
                for k in (lowest..<layers.count).reversed() {
                    let box = layers[k].supportBox(width: canvas.width, height: canvas.height).clipped(width: canvas.width, height: canvas.height)
                    if k == 0 && !tapesFirst {
                        // A first background over black, not taped (`Compositor.tapesFirstLayer`); the
                        // bottom layer's dL/d under is read by nothing.
                        result[k] = backwardBackground(layers[k], backgrounds[k], under: nil, grad: g.baseAddress!, writesUnder: false)
                        continue
                    }
                    offset -= box.area * canvas.channels
                    let under = tapeBuffer.baseAddress! + offset
                    if case .background = layers[k].content {
                        result[k] = backwardBackground(layers[k], backgrounds[k], under: under, grad: g.baseAddress!)
                    } else if case .sprite(let s) = layers[k].content, s.colour == nil {
                        result[k] = backwardMaskSprite(layers[k], box: box, under: under, grad: g.baseAddress!)
                    } else {
                        result[k] = genericBackward(layers[k], box: box, under: under, grad: g.baseAddress!, rowLog: rowLogs[k])
                    }
                }
            }
        }
        return result
    }

    /// Back-propagates through one layer: turns `grad` (dL/d after-layer) into dL/d before-layer in
    /// place over `box`, and returns dL/d(parameters). `under` holds the before-layer values of `box`.
    /// `spans: false` evaluates every pixel of the box (the reference of the spans' tests).
    /// `rowLog`: the rows of the forward pass (`RowLog`, complete for `box`), used instead of
    /// computing them again.
    func genericBackward(_ layer: Layer, box: PixelBox, under: UnsafePointer<Float>, grad: UnsafeMutablePointer<Float>,
                         spans: Bool = true, rowLog: RowLog? = nil) -> [Double] {
        var out = [Double](repeating: 0, count: LayerParameter.count)
        // Keep this early return even though empty boxes loop zero times: without it the pixel
        // loops compile worse (measured: the aerial VJP benchmark ran about twice as slow).
        if box.isEmpty { return out }
        let channels = canvas.channels, width = canvas.width
        let (opacity, tint, over) = layer.paint
        let end = SIMD3(layer[.endR], layer[.endG], layer[.endB])
        let amplitude = layer[.noiseAmplitude]
        let g = layer.dualGeometry, plain = layer.floatGeometry
        let background: BackgroundKernel? = {
            if case .background(let fill) = layer.content {
                return BackgroundKernel(fill: fill, width: width, height: canvas.height, channels: channels)
            }
            return nil
        }()
        let boxWidth = box.x1 - box.x0
        // Shapes on an RGB canvas blended `over`: edge pixels by `edgePixel` (with spans only:
        // without, every pixel goes through `pixel`, the reference of the spans' tests).
        let fastEdges: Bool = {
            guard spans && over && channels == 3, background == nil, case .shape = layer.content else { return false }
            return true
        }()
        let edgeTint = SIMD4(tint, 0)
        let log = spans && rowLog?.count == box.y1 - box.y0 ? rowLog : nil
        let rows: ShapeRows? = log == nil ? ShapeRows(layer, width: width, height: canvas.height, levels: spans ? (-0.5, 0.5) : nil) : nil
        // `rows` or `log` owns the buffer the row kernels' `segmentReach` points into.
        withExtendedLifetime((rows, log)) {
        withKernel(layer) { kernel in
            for y in box.y0..<box.y1 {
                let Y = Float(y) + 0.5
                var geometry = SIMD8<Float>.zero
                var dOpacity: Float = 0, dTint = SIMD3<Float>.zero, dEnd = SIMD3<Float>.zero, dAmplitude: Float = 0
                let (xs, full, kernel) = log?.row(y &- box.y0, kernel: kernel) ?? rows!.row(y, box: box, kernel: kernel)
                /// The pixel `x` of the row with alpha `A` (before opacity).
                @inline(__always) func pixel(_ x: Int, _ A: GeometryDual) {
                    let X = Float(x) + 0.5
                    if A.value == 0 { return }
                    let a = opacity * A.value
                    var dA: Float = 0, da: Float = 0
                    let p = y &* width &+ x  // wrapping: inside the clipped box
                    let t = ((y &- box.y0) &* boxWidth &+ (x &- box.x0)) &* channels
                    for c in 0..<channels {
                        let gc = grad[p &* channels &+ c]
                        let u = under[t &+ c]
                        // src = opacity · tint · base (objects) or opacity · base (backgrounds).
                        var colourDual: GeometryDual? = nil
                        var weights = SIMD3<Float>.zero
                        let base: Float
                        if let background {
                            weights = background.weights(background.factor(p, c))
                            base = tint[c] * weights.x + end[c] * weights.y + amplitude * weights.z
                        } else if kernel.colour != nil {
                            let d: GeometryDual = spriteColour(kernel, g, X: X, Y: Y, channel: c)
                            colourDual = d
                            base = d.value
                        } else {
                            base = A.value
                        }
                        let src = background != nil ? opacity * base : opacity * tint[c] * base
                        let back = blendBackward(gc, src: src, alpha: a, under: u, over: over)
                        grad[p &* channels &+ c] = back.dUnder
                        da += back.dAlpha
                        let dsrc = back.dSrc
                        if dsrc == 0 { continue }
                        if background != nil {
                            dOpacity += dsrc * base
                            dTint[c] += dsrc * opacity * weights.x
                            dEnd[c] += dsrc * opacity * weights.y
                            dAmplitude += dsrc * opacity * weights.z
                        } else {
                            dOpacity += dsrc * tint[c] * base
                            dTint[c] += dsrc * opacity * base
                            let dBase = dsrc * opacity * tint[c]
                            if let colourDual { geometry += dBase * colourDual.partials } else { dA += dBase }
                        }
                    }
                    dOpacity += da * A.value
                    dA += da * opacity
                    geometry += dA * A.partials
                }
                /// `pixel` for a shape on an RGB canvas blended `over` (`fastEdges`), written with the
                /// channels in lanes: per channel dL/d src = g, dL/d a = −g·u, dL/d under = g·(1 − a),
                /// and the sums in `pixel`'s order. `pixel` adds nothing for a channel whose g is ±0;
                /// here its terms are ±0 and added: a no-op, since a sum that starts at +0 is never −0.
                @inline(__always) func edgePixel(_ x: Int, _ A: GeometryDual) {
                    if A.value == 0 { return }
                    let a = opacity * A.value
                    let p = (y &* width &+ x) &* 3  // wrapping: inside the clipped box
                    let t = ((y &- box.y0) &* boxWidth &+ (x &- box.x0)) &* 3
                    let gv = SIMD4(grad[p], grad[p &+ 1], grad[p &+ 2], 0), uv = SIMD4(under[t], under[t &+ 1], under[t &+ 2], 0)
                    let dUnder = gv * (1 - a)
                    grad[p] = dUnder[0]; grad[p &+ 1] = dUnder[1]; grad[p &+ 2] = dUnder[2]
                    let dAlpha = -(gv * uv)
                    // dL/d src · tint · A, dL/d src · opacity · A, dL/d src · opacity · tint.
                    let toOpacity = gv * edgeTint * A.value, toTint = gv * opacity * A.value, toA = gv * opacity * edgeTint
                    var da: Float = 0, dA: Float = 0
                    for c in 0..<3 {
                        da += dAlpha[c]
                        dOpacity += toOpacity[c]
                        dA += toA[c]
                    }
                    dTint += SIMD3(toTint[0], toTint[1], toTint[2])
                    dOpacity += da * A.value
                    dA += da * opacity
                    geometry += dA * A.partials
                }
                if fastEdges {
                    for x in xs.lowerBound..<full.lowerBound { edgePixel(x, layerAlphaDual(kernel, g, plain: plain, X: Float(x) + 0.5, Y: Y)) }
                } else {
                    for x in xs.lowerBound..<full.lowerBound { pixel(x, layerAlphaDual(kernel, g, plain: plain, X: Float(x) + 0.5, Y: Y)) }
                }
                // Coverage exactly 1, zero partials (ShapeRows; shapes only): `pixel(x, GeometryDual(1))`
                // written out with the channels in lanes and every sum in its order. Products with
                // A = 1 are left out (exact), and so are the sums of a zero dL/d src, which add ±0
                // to sums that cannot be −0.
                let fullSource = opacity * SIMD4(tint, 0), fullAlpha = opacity * Float(1), keep = 1 - fullAlpha
                let tint4 = SIMD4(tint, 0)
                if over && channels == 3 {
                    // The same sums with less work per pixel (FullRunReverse.swift).
                    let p = y &* width &+ full.lowerBound
                    let t = ((y &- box.y0) &* boxWidth &+ (full.lowerBound &- box.x0)) &* channels
                    reverseFullRunRGBOver(grad: grad + p &* 3, under: under + t, pixels: full.count, tint: tint, opacity: opacity,
                                          dOpacity: &dOpacity, dTint: &dTint, geometry: &geometry)
                } else {
                    for x in full {
                        let p = y &* width &+ x
                        let t = ((y &- box.y0) &* boxWidth &+ (x &- box.x0)) &* channels
                        var gv = SIMD4<Float>.zero, uv = SIMD4<Float>.zero
                        for c in 0..<channels { gv[c] = grad[p &* channels &+ c]; uv[c] = under[t &+ c] }
                        let dSrc: SIMD4<Float>, dAlpha: SIMD4<Float>, dUnder: SIMD4<Float>
                        if over {
                            (dSrc, dAlpha, dUnder) = (gv, -(gv * uv), gv * keep)
                        } else {
                            let larger = fullSource .> uv
                            (dSrc, dAlpha, dUnder) = (SIMD4.zero.replacing(with: gv, where: larger), .zero, gv.replacing(with: 0, where: larger))
                        }
                        for c in 0..<channels { grad[p &* channels &+ c] = dUnder[c] }
                        let toOpacity = dSrc * tint4, toTint = dSrc * opacity, toA = toTint * tint4
                        var da: Float = 0, dA: Float = 0
                        for c in 0..<channels {
                            da += dAlpha[c]
                            dOpacity += toOpacity[c]
                            dA += toA[c]
                        }
                        dTint += SIMD3(toTint[0], toTint[1], toTint[2])
                        dOpacity += da
                        dA += da * opacity
                        geometry += dA * SIMD8<Float>.zero  // zero partials; kept so that a non-finite dA still reaches the sums
                    }
                }
                if fastEdges {
                    for x in full.upperBound..<xs.upperBound { edgePixel(x, layerAlphaDual(kernel, g, plain: plain, X: Float(x) + 0.5, Y: Y)) }
                } else {
                    for x in full.upperBound..<xs.upperBound { pixel(x, layerAlphaDual(kernel, g, plain: plain, X: Float(x) + 0.5, Y: Y)) }
                }
                for s in 0..<6 { out[s] += Double(geometry[s]) }
                out[LayerParameter.opacity.rawValue] += Double(dOpacity)
                for c in 0..<3 {
                    out[LayerParameter.tintR.rawValue + c] += Double(dTint[c])
                    out[LayerParameter.endR.rawValue + c] += Double(dEnd[c])
                }
                out[LayerParameter.noiseAmplitude.rawValue] += Double(dAmplitude)
            }
        }
        }
        return out
    }

    /// Chains parameter gradients to the nodes' mutable numeric attributes through the links.
    func attributeGradients(_ graph: SceneGraph, layers: [Layer], parameterGradients: [[Double]]) -> AttributeGradients {
        var result = AttributeGradients(zeroFor: graph)
        for (k, layer) in layers.enumerated() {
            for link in layer.links {
                let node = link.node ?? layer.node
                // None for nodes without mutable numbers (roads, backgrounds): most links lead to
                // attributes that are not mutable. A node's few names are compared (two words for
                // short ones) instead of hashing the link's.
                if result.nodes[node].isEmpty { continue }
                guard let i = result.nodes[node].keys.indices.first(where: { result.nodes[node].keys[$0] == link.attribute }) else { continue }
                result.nodes[node].values[i] += parameterGradients[k][link.parameter.rawValue] * Double(link.weight)
            }
        }
        return result
    }
}

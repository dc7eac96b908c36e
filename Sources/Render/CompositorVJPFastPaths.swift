import CMaskSprite

/// Specialised reverse passes for the two most common layers (same results as the generic
/// `backward`, tested against finite differences like it): a background over the whole canvas, and a grey alpha-mask sprite (MNIST digits), whose geometry derivatives are summed per
/// pixel in texel space and turned into parameter derivatives once per layer.
extension CompositorRenderer {
    /// A background (any fill) over the whole canvas: `A = 1`, `a = opacity`, `s_c = opacity · fill_c(p)`
    /// with `fill = tint · w_t + end · w_e + amplitude · w_a` (`BackgroundKernel`). Sums run per row
    /// in `Float`, then in `Double`. Nothing flows at opacity 0, where the forward pass skips the
    /// layer (`kernel` may then be nil; else it is the layer's, as the forward pass used it).
    /// `under` nil: a black canvas (`Compositor.tapesFirstLayer` false; RGB `over` only);
    /// `writesUnder: false`: `grad` is left as it is (RGB `over` only).
    func backwardBackground(_ layer: Layer, _ kernel: BackgroundKernel?, under: UnsafePointer<Float>?,
                            grad: UnsafeMutablePointer<Float>, writesUnder: Bool = true) -> [Double] {
        var out = [Double](repeating: 0, count: LayerParameter.count)
        let opacity = layer[.opacity]
        guard opacity != 0, let kernel else { return out }
        let end = SIMD3(layer[.endR], layer[.endG], layer[.endB]), amplitude = layer[.noiseAmplitude]
        let (dOpacity, weights) = withFillValues(
            kernel, channels: canvas.channels, tint: layer.tint, end: end, amplitude: amplitude,
            BackgroundReverse(tint: layer.tint, end: end, amplitude: amplitude, under: under, grad: grad, width: canvas.width,
                              height: canvas.height, channels: canvas.channels, opacity: opacity, over: layer.blend == .over,
                              writesUnder: writesUnder))
        for (c, dWeights) in weights.enumerated() {
            out[LayerParameter.tintR.rawValue + c] = dWeights.x * Double(opacity)
            out[LayerParameter.endR.rawValue + c] = dWeights.y * Double(opacity)
            out[LayerParameter.noiseAmplitude.rawValue] += dWeights.z * Double(opacity)
        }
        out[LayerParameter.opacity.rawValue] = dOpacity
        return out
    }

    /// On a grey canvas blended `over`, each row's sums run in eight lanes (pixel `box.x0 + i` adds
    /// to lane `i mod 8`, then the lanes add in order 0…7), eight pixels at a time in C
    /// (CMaskSprite's `metasim_mask_sprite_reverse_rows`, AVX2) where the processor has it and the
    /// compositor's `spriteRowKernel` is on; `kernel: false` runs the Swift loop alone (the
    /// reference the kernel is tested against: the same bits). Other canvases and blends add each
    /// row's terms in one lane, pixel after pixel.
    func backwardMaskSprite(_ layer: Layer, box: PixelBox, under: UnsafePointer<Float>, grad: UnsafeMutablePointer<Float>,
                            kernel: Bool = true) -> [Double] {
        var out = [Double](repeating: 0, count: LayerParameter.count)
        if box.isEmpty { return out }
        let channels = canvas.channels, width = canvas.width
        let (opacity, tint, over) = layer.paint
        let g = layer.floatGeometry
        let greyOver = channels == 1 && over
        // Sums over pixels of gu = dL/dA · ∂A/∂tu and gv = dL/dA · ∂A/∂tv, times what the texel
        // coordinates' derivatives need: dx, dy (pixel centre − centre), tu − ou, tv − ov.
        var su = 0.0, sv = 0.0, suDx = 0.0, suDy = 0.0, svDx = 0.0, svDy = 0.0, suU = 0.0, svV = 0.0
        var dOpacity = 0.0
        var dTint = SIMD3<Double>.zero
        let boxWidth = box.x1 - box.x0
        withKernel(layer) { k in
            let sampler = MaskSpriteSampler(layer, k)
            var spriteKernel = sampler.cKernel(opacity: opacity, tint: tint.x)
            let inC = greyOver && kernel && compositor.spriteRowKernel && Compositor.spriteRowKernelAvailable
            if inC {
                // Eight rows per call in C, their sums added to `totals` row after row as below.
                withUnsafeTemporaryAllocation(of: Float.self, capacity: 16) { starts in
                    withUnsafeTemporaryAllocation(of: Double.self, capacity: 10) { totals in
                        totals.initialize(repeating: 0)
                        var y = box.y0
                        while y < box.y1 {
                            let rows = min(8, box.y1 &- y)
                            starts.initialize(repeating: 0)
                            for k in 0..<rows { (starts[k], starts[8 &+ k]) = sampler.start(x: box.x0, y: y &+ k) }
                            metasim_mask_sprite_reverse_rows(&spriteKernel, starts.baseAddress!, starts.baseAddress! + 8, rows, box.x0,
                                                             boxWidth, g.cx, sampler.ou, sampler.ov, y, g.cy,
                                                             under + (y &- box.y0) &* boxWidth, boxWidth, grad + (y &* width &+ box.x0),
                                                             width, totals.baseAddress!)
                            y &+= rows
                        }
                        (su, sv, suDx, svDx, suDy, svDy, suU, svV) = (totals[0], totals[1], totals[2], totals[3], totals[4], totals[5],
                                                                      totals[6], totals[7])
                        dOpacity = totals[8]
                        dTint.x = totals[9]
                    }
                }
                return
            }
            for y in box.y0..<box.y1 {
                let dy = Float(y) + 0.5 - g.cy
                // Lane sums of the row (tint: one lane set per channel).
                var rSu = SIMD8<Float>(), rSv = SIMD8<Float>(), rSuDx = SIMD8<Float>(), rSvDx = SIMD8<Float>()
                var rSuU = SIMD8<Float>(), rSvV = SIMD8<Float>(), rOpacity = SIMD8<Float>()
                var rTint = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
                var (tu, tv) = sampler.start(x: box.x0, y: y)
                for x in box.x0..<box.x1 {
                    defer { tu += sampler.dudx; tv += sampler.dvdx }
                    guard let cell = sampler.corners(tu, tv) else { continue }
                    let A = cell.value
                    if A == 0 { continue }
                    let lane = greyOver ? (x &- box.x0) & 7 : 0
                    let a = opacity * A
                    let p = y &* width &+ x  // wrapping: inside the clipped box
                    let t = ((y &- box.y0) &* boxWidth &+ (x &- box.x0)) &* channels
                    var dA: Float = 0
                    for c in 0..<channels {
                        // src = opacity · tint · A, a = opacity · A.
                        let back = blendBackward(grad[p &* channels &+ c], src: opacity * tint[c] * A, alpha: a,
                                                 under: under[t &+ c], over: over)
                        grad[p &* channels &+ c] = back.dUnder
                        rOpacity[lane] += (back.dSrc * tint[c] + back.dAlpha) * A
                        let termTint = back.dSrc * opacity * A
                        switch c {
                        case 0: rTint.0[lane] += termTint
                        case 1: rTint.1[lane] += termTint
                        default: rTint.2[lane] += termTint
                        }
                        dA += (back.dSrc * tint[c] + back.dAlpha) * opacity
                    }
                    if dA == 0 { continue }
                    let gu = dA * cell.dU
                    let gv = dA * cell.dV
                    let dx = Float(x) + 0.5 - g.cx
                    rSu[lane] += gu; rSv[lane] += gv
                    rSuDx[lane] += gu * dx; rSvDx[lane] += gv * dx
                    rSuU[lane] += gu * (tu - sampler.ou); rSvV[lane] += gv * (tv - sampler.ov)
                }
                let rowSu = Double(laneSum(rSu)), rowSv = Double(laneSum(rSv))
                su += rowSu; sv += rowSv
                suDx += Double(laneSum(rSuDx)); svDx += Double(laneSum(rSvDx))
                suDy += rowSu * Double(dy); svDy += rowSv * Double(dy)
                suU += Double(laneSum(rSuU)); svV += Double(laneSum(rSvV))
                dOpacity += Double(laneSum(rOpacity))
                dTint += SIMD3<Double>(Double(laneSum(rTint.0)), Double(laneSum(rTint.1)), Double(laneSum(rTint.2)))
            }
        }
        // tu = (c·dx − s·dy)/sx + ou, tv = (s·dx + c·dy)/sy + ov, dx = X − cx, dy = Y − cy.
        let c = Double(g.cosine), s = Double(g.sine), sx = Double(g.sx), sy = Double(g.sy)
        out[LayerParameter.centreX.rawValue] = -c / sx * su - s / sy * sv
        out[LayerParameter.centreY.rawValue] = s / sx * su - c / sy * sv
        out[LayerParameter.rotation.rawValue] = (-s * suDx - c * suDy) / sx + (c * svDx - s * svDy) / sy
        out[LayerParameter.scaleX.rawValue] = -suU / sx
        out[LayerParameter.scaleY.rawValue] = -svV / sy
        out[LayerParameter.opacity.rawValue] = dOpacity
        for ch in 0..<3 { out[LayerParameter.tintR.rawValue + ch] = dTint[ch] }
        return out
    }
}

/// Lanes 0…7 added in order (a row's lane sums; lanes that got no term hold +0 and change nothing).
@inline(__always) func laneSum(_ v: SIMD8<Float>) -> Float {
    var sum = v[0]
    for k in 1..<8 { sum += v[k] }
    return sum
}


/// Specialised reverse passes for the two most common layers (same results as the generic
/// `backward`, tested against finite differences like it): a background over the whole canvas, and a grey alpha-mask sprite (MNIST digits), whose geometry derivatives are summed per
/// pixel in texel space and turned into parameter derivatives once per layer.
extension CompositorRenderer {
    /// A background (any fill) over the whole canvas: `A = 1`, `a = opacity`, `s_c = opacity · fill_c(p)`
    /// with `fill = tint · w_t + end · w_e + amplitude · w_a` (`BackgroundKernel`). Sums run per row
    /// in `Float`, then in `Double`. Nothing flows at opacity 0, where the forward pass skips the
    /// layer (`kernel` may then be nil; else it is the layer's, as the forward pass used it).
    func backwardBackground(_ layer: Layer, _ kernel: BackgroundKernel?, under: UnsafePointer<Float>,
                            grad: UnsafeMutablePointer<Float>) -> [Double] {
        var out = [Double](repeating: 0, count: LayerParameter.count)
        let opacity = layer[.opacity]
        guard opacity != 0, let kernel else { return out }
        let (channels, width, height) = (canvas.channels, canvas.width, canvas.height)
        let over = layer.blend == .over
        let amplitude = layer[.noiseAmplitude]
        var dOpacity = 0.0
        /// The reverse pass with the fill's weights at pixel `p`, channel `c` given by `weights`.
        @inline(__always) func reverse(_ weights: (Int, Int) -> SIMD3<Float>) {
            for c in 0..<channels {
                let tint = layer.tint[c], end = layer.parameters[LayerParameter.endR.rawValue + c]
                var dWeights = SIMD3<Double>.zero
                for y in 0..<height {
                    var rowWeights = SIMD3<Float>.zero, rowOpacity: Float = 0
                    for p in (y &* width)..<(y &* width &+ width) {
                        let i = p &* channels &+ c
                        let w = weights(p, c)
                        let base = tint * w.x + end * w.y + amplitude * w.z
                        let back = blendBackward(grad[i], src: opacity * base, alpha: opacity, under: under[i], over: over)
                        grad[i] = back.dUnder
                        rowOpacity += back.dSrc * base + back.dAlpha
                        rowWeights += back.dSrc * w
                    }
                    dOpacity += Double(rowOpacity)
                    dWeights += SIMD3<Double>(rowWeights)
                }
                out[LayerParameter.tintR.rawValue + c] = dWeights.x * Double(opacity)
                out[LayerParameter.endR.rawValue + c] = dWeights.y * Double(opacity)
                out[LayerParameter.noiseAmplitude.rawValue] += dWeights.z * Double(opacity)
            }
        }
        // `BackgroundKernel.weights(factor(p, c))` written out per fill: the kind decided once, not per value.
        if kernel.kind == .constant {
            reverse { _, _ in SIMD3(1, 0, 0) }
        } else {
            kernel.basis!.withUnsafeBufferPointer { basis in
                let b = basis.baseAddress!
                switch kernel.kind {
                case .gradient: reverse { p, _ in SIMD3(1 - b[p], b[p], 0) }
                case .noise: reverse { p, _ in SIMD3(1, 0, b[p]) }
                default: reverse { p, c in SIMD3(b[p &* channels &+ c], 0, 0) }
                }
            }
        }
        out[LayerParameter.opacity.rawValue] = dOpacity
        return out
    }

    func backwardMaskSprite(_ layer: Layer, box: PixelBox, under: UnsafePointer<Float>, grad: UnsafeMutablePointer<Float>) -> [Double] {
        var out = [Double](repeating: 0, count: LayerParameter.count)
        if box.isEmpty { return out }
        let channels = canvas.channels, width = canvas.width
        let (opacity, tint, over) = layer.paint
        let g = layer.floatGeometry
        // Sums over pixels of gu = dL/dA · ∂A/∂tu and gv = dL/dA · ∂A/∂tv, times what the texel
        // coordinates' derivatives need: dx, dy (pixel centre − centre), tu − ou, tv − ov.
        var su = 0.0, sv = 0.0, suDx = 0.0, suDy = 0.0, svDx = 0.0, svDy = 0.0, suU = 0.0, svV = 0.0
        var dOpacity = 0.0
        var dTint = SIMD3<Double>.zero
        let boxWidth = box.x1 - box.x0
        withKernel(layer) { k in
            let sampler = MaskSpriteSampler(layer, k)
            for y in box.y0..<box.y1 {
                var (tu, tv) = sampler.start(x: box.x0, y: y)
                let dy = Float(y) + 0.5 - g.cy
                var rSu: Float = 0, rSv: Float = 0, rSuDx: Float = 0, rSvDx: Float = 0, rSuU: Float = 0, rSvV: Float = 0
                var rOpacity: Float = 0, rTint = SIMD3<Float>.zero
                for x in box.x0..<box.x1 {
                    defer { tu += sampler.dudx; tv += sampler.dvdx }
                    guard let cell = sampler.corners(tu, tv) else { continue }
                    let A = cell.value
                    if A == 0 { continue }
                    let a = opacity * A
                    let p = y &* width &+ x  // wrapping: inside the clipped box
                    let t = ((y &- box.y0) &* boxWidth &+ (x &- box.x0)) &* channels
                    var dA: Float = 0
                    for c in 0..<channels {
                        // src = opacity · tint · A, a = opacity · A.
                        let back = blendBackward(grad[p &* channels &+ c], src: opacity * tint[c] * A, alpha: a,
                                                 under: under[t &+ c], over: over)
                        grad[p &* channels &+ c] = back.dUnder
                        rOpacity += (back.dSrc * tint[c] + back.dAlpha) * A
                        rTint[c] += back.dSrc * opacity * A
                        dA += (back.dSrc * tint[c] + back.dAlpha) * opacity
                    }
                    if dA == 0 { continue }
                    let gu = dA * cell.dU
                    let gv = dA * cell.dV
                    let dx = Float(x) + 0.5 - g.cx
                    rSu += gu; rSv += gv
                    rSuDx += gu * dx; rSvDx += gv * dx
                    rSuU += gu * (tu - sampler.ou); rSvV += gv * (tv - sampler.ov)
                }
                su += Double(rSu); sv += Double(rSv)
                suDx += Double(rSuDx); svDx += Double(rSvDx)
                suDy += Double(rSu) * Double(dy); svDy += Double(rSv) * Double(dy)
                suU += Double(rSuU); svV += Double(rSvV)
                dOpacity += Double(rOpacity)
                dTint += SIMD3<Double>(Double(rTint.x), Double(rTint.y), Double(rTint.z))
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

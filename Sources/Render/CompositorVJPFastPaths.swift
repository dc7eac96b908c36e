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

    /// `fourAtATime: false` runs the one-pixel loop alone (the reference the four-pixel loop is
    /// tested against: the same values).
    func backwardMaskSprite(_ layer: Layer, box: PixelBox, under: UnsafePointer<Float>, grad: UnsafeMutablePointer<Float>,
                            fourAtATime: Bool = true) -> [Double] {
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
                var x = box.x0
                if channels == 1 && over && fourAtATime {
                    // Grey `over`, four pixels at a time: each lane's terms are the loop's below
                    // (the same operations), then added to the row's sums pixel after pixel, in the
                    // loop's order. A lane the loop skips (A = 0) adds +0 and leaves its gradient:
                    // a sum that starts at +0 is never −0, so adding +0 changes no bit; a lane with
                    // dA = 0 adds ±0 geometry terms, which change no bit either.
                    let tint0 = tint.x
                    while x &+ 4 <= box.x1 {
                        let (us, vs) = MaskSpriteSampler.fourSteps(&tu, &tv, du: sampler.dudx, dv: sampler.dvdx)
                        let cell = sampler.corners4(us, vs)
                        let A = cell.value
                        let drawn = A .!= 0
                        if !any(drawn) { x &+= 4; continue }
                        let a = opacity * A
                        let p = y &* width &+ x  // wrapping: inside the clipped box
                        let t = (y &- box.y0) &* boxWidth &+ (x &- box.x0)
                        let gradient = load4(grad + p)
                        // blendBackward(over): dSrc = g, dAlpha = −(g · under), dUnder = g · (1 − a).
                        let dAlpha = -(gradient * load4(under + t))
                        store4(gradient.replacing(with: gradient * (1 - a), where: drawn), grad + p)
                        let paint = gradient * tint0 + dAlpha
                        let termOpacity = SIMD4<Float>.zero.replacing(with: paint * A, where: drawn)
                        let termTint = SIMD4<Float>.zero.replacing(with: gradient * opacity * A, where: drawn)
                        let dA = paint * opacity
                        let gu = SIMD4<Float>.zero.replacing(with: dA * cell.dU, where: drawn)
                        let gv = SIMD4<Float>.zero.replacing(with: dA * cell.dV, where: drawn)
                        let dx = SIMD4<Float>(Float(x), Float(x &+ 1), Float(x &+ 2), Float(x &+ 3)) + 0.5 - g.cx
                        let guDx = gu * dx, gvDx = gv * dx, guU = gu * (us - sampler.ou), gvV = gv * (vs - sampler.ov)
                        for k in 0..<4 {
                            rOpacity += termOpacity[k]; rTint.x += termTint[k]
                            rSu += gu[k]; rSv += gv[k]
                            rSuDx += guDx[k]; rSvDx += gvDx[k]
                            rSuU += guU[k]; rSvV += gvV[k]
                        }
                        x &+= 4
                    }
                }
                for x in x..<box.x1 {
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

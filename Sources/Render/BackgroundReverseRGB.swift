/// `reverseBackground` for the common case, an RGB canvas and `over` blending, with the same
/// sums bit for bit (BackgroundLoopsTests, with non-finite gradients too) and less work per pixel:
///
/// - a pixel's three gradient and `under` values are read as one 4-lane load (lane 3, the next
///   pixel's red, is never used: every operation is lane-wise and lane 3 of the row sums is not
///   read), except for the canvas's last pixel, whose fourth lane would lie past the buffers;
/// - dL/d under = g · (1 − opacity) is written after the row's sums, in a vector pass over the
///   row (each value the same product; the sums read only the row's incoming gradient);
/// - a weight that is zero for the fill's kind (`end` of constant, noise and image fills,
///   `amplitude` of all but noise) sums `g · 0` per pixel: +0 for a row whose gradients are all
///   finite (a sum that starts at +0 never becomes −0), so it is summed only for a row whose
///   tint-weight sum is not finite. That sum is `g · w_t` with `w_t` 1 for such fills, and a sum
///   of `g` that ends finite had only finite terms (an infinite or NaN term makes every later
///   partial sum infinite or NaN). Fills with a non-zero `w_e` and `w_a` at once do not exist;
/// - `under` nil stands for a black canvas (+0 in every value: the VJP's first background, whose
///   tape would hold the cleared canvas), and `writesUnder: false` skips dL/d under (the VJP's
///   bottom layer: nothing reads it).
@inline(__always) func reverseBackgroundRGBOver<F: BackgroundFillValues>(_ fill: F, tint: SIMD3<Float>, end: SIMD3<Float>,
                                                                        amplitude: Float, under: UnsafePointer<Float>?,
                                                                        grad: UnsafeMutablePointer<Float>, width: Int, height: Int,
                                                                        opacity: Float, rows: UnsafeMutablePointer<SIMD4<Float>>,
                                                                        writesUnder: Bool = true) {
    let tint4 = SIMD4(tint, 0), end4 = SIMD4(end, 0)
    let keep = 1 - opacity
    let n = width &* height
    let zeroEnd = F.endWeightIsZero, zeroAmplitude = F.amplitudeWeightIsZero
    for y in 0..<height {
        var rOpacity = SIMD4<Float>.zero, rT = SIMD4<Float>.zero, rE = SIMD4<Float>.zero, rA = SIMD4<Float>.zero
        let first = y &* width, last = first &+ width
        @inline(__always) func pixel(_ p: Int, _ g: SIMD4<Float>, _ u: SIMD4<Float>) {
            let w = fill.weights(p)
            let base = tint4 * w.t + end4 * w.e + amplitude * w.a
            // blendBackward (over): dSrc = g, dAlpha = −(g · u).
            rOpacity += g * base + -(g * u)
            rT += g * w.t
            if !zeroEnd { rE += g * w.e }
            if !zeroAmplitude { rA += g * w.a }
        }
        let vectorEnd = last == n ? last &- 1 : last
        if let under {
            for p in first..<vectorEnd {
                let i = p &* 3
                pixel(p, load4(grad + i), load4(under + i))
            }
            for p in vectorEnd..<last {
                let i = p &* 3
                pixel(p, SIMD4(grad[i], grad[i &+ 1], grad[i &+ 2], 0), SIMD4(under[i], under[i &+ 1], under[i &+ 2], 0))
            }
        } else {
            // A black canvas under (the tape's cleared canvas: +0 everywhere).
            for p in first..<vectorEnd { pixel(p, load4(grad + p &* 3), .zero) }
            for p in vectorEnd..<last {
                let i = p &* 3
                pixel(p, SIMD4(grad[i], grad[i &+ 1], grad[i &+ 2], 0), .zero)
            }
        }
        if (zeroEnd || zeroAmplitude) && !(rT[0].isFinite && rT[1].isFinite && rT[2].isFinite) {
            // A non-finite gradient in the row: the zero weights' sums in full, in order.
            for p in first..<last {
                let i = p &* 3
                let g = SIMD4(grad[i], grad[i &+ 1], grad[i &+ 2], 0)
                let w = fill.weights(p)
                if zeroEnd { rE += g * w.e }
                if zeroAmplitude { rA += g * w.a }
            }
        }
        rows[4 &* y] = rOpacity; rows[4 &* y &+ 1] = rT; rows[4 &* y &+ 2] = rE; rows[4 &* y &+ 3] = rA
        guard writesUnder else { continue }
        // dL/d under = g · (1 − a), a = opacity.
        scale(grad, (first &* 3)..<(last &* 3), by: keep)
    }
}

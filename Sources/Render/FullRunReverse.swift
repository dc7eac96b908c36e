/// The reverse pass over a run of pixels where a shape's coverage is exactly 1 (`ShapeRows`' full
/// run), for an RGB canvas and `over` blending: `genericBackward`'s loop for such pixels with the
/// same sums bit for bit (ShapeRowsTests, ShapeSpansReferenceTests, Fingerprint2DTests) and less
/// work per pixel.
///
/// Per pixel (A = 1, a = opacity, dL/d src = g, dL/d a = −Σ_c g_c·u_c): dL/d opacity gains
/// g_c·tint_c (c = 0, 1, 2) then dL/d a; dL/d tint gains g·opacity; the geometry's sums gain
/// dA · 0 (zero partials), which changes them only for a non-finite dA (a sum that starts at +0
/// is never −0, so adding ±0 leaves it as it is): dA is computed as before and added only then.
/// A pixel's three gradient and `under` values are read as one 4-lane load (lane 3 is never
/// used), except for the run's last pixel, whose fourth value may lie past the buffers; dL/d under
/// = g·(1 − opacity) is written after the sums, in a vector pass over the run.
///
/// - Parameters:
///   - grad: dL/d out of the run's first pixel (3 values per pixel), turned into dL/d under.
///   - under: the values under the run (tape; 3 per pixel, consecutive).
///   - pixels: the run's length (≥ 0).
@inline(__always) func reverseFullRunRGBOver(grad: UnsafeMutablePointer<Float>, under: UnsafePointer<Float>, pixels: Int,
                                             tint: SIMD3<Float>, opacity: Float, dOpacity: inout Float,
                                             dTint: inout SIMD3<Float>, geometry: inout SIMD8<Float>) {
    guard pixels > 0 else { return }
    let tint4 = SIMD4(tint, 0)
    var tintSum = SIMD4(dTint, 0)
    var opacitySum = dOpacity
    @inline(__always) func pixel(_ gv: SIMD4<Float>, _ uv: SIMD4<Float>) {
        let dAlpha = -(gv * uv)
        let toOpacity = gv * tint4, toTint = gv * opacity, toA = toTint * tint4
        var da: Float = 0, dA: Float = 0
        for c in 0..<3 {
            da += dAlpha[c]
            opacitySum += toOpacity[c]
            dA += toA[c]
        }
        tintSum += toTint
        opacitySum += da
        dA += da * opacity
        // Finite: adds ±0, a no-op (see above).
        if !dA.isFinite { geometry += dA * SIMD8<Float>.zero }
    }
    for j in 0..<(pixels &- 1) {
        pixel(load4(grad + 3 &* j), load4(under + 3 &* j))
    }
    let l = 3 &* (pixels &- 1)
    pixel(SIMD4(grad[l], grad[l &+ 1], grad[l &+ 2], 0), SIMD4(under[l], under[l &+ 1], under[l &+ 2], 0))
    // dL/d under = g · (1 − a), a = opacity · 1.
    let keep = 1 - opacity * Float(1)
    scale(grad, 0..<(3 &* pixels), by: keep)
    dOpacity = opacitySum
    dTint = SIMD3(tintSum[0], tintSum[1], tintSum[2])
}

/// Short vector loops written with explicit 8-wide SIMD and wrapping index arithmetic, for
/// kernels whose runs are short (a few dozen floats on small feature maps), where the
/// compiler's own vectorised loop spends much of its time in alias checks and scalar tails.
/// Same operations in the same order as the plain scalar loops (a multiply, then an add; no
/// fused multiply-add), so results are bit-identical to them.

/// `y[k] += a · x[k]` for `k` in `0..<count`. `x` and `y` may not overlap.
@inline(__always)
func multiplyAdd(_ a: Float, _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
    let av = SIMD8<Float>(repeating: a)
    var k = 0
    while k &+ 8 <= count {
        let xv = UnsafeRawPointer(x + k).loadUnaligned(as: SIMD8<Float>.self)
        let yv = UnsafeRawPointer(y + k).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(y + k).storeBytes(of: yv + av * xv, as: SIMD8<Float>.self)
        k &+= 8
    }
    while k < count { y[k] += a * x[k]; k &+= 1 }
}

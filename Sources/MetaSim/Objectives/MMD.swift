import Foundation
import Tensor

/// Squared maximum mean discrepancy (MMD²) between a batch of generated feature vectors and a
/// fixed bank of target feature vectors, with a sum of Gaussian kernels
/// `k(a, b) = Σ_s exp(-‖a − b‖² / (s · h))`, where `h` is the median pairwise squared distance
/// within the target bank (the median heuristic) and `s` runs over `scales`.
///
/// Everything the target bank alone determines (its squared norms, `h`, its kernel mean) is
/// computed once, at init. `evaluate` needs two matrix products for the distances and two for the
/// gradient; it never expands an `n × m × d` difference tensor.
///
/// Edge cases: a bank whose rows are all identical has `h = 0`; `h` then falls back to the mean
/// squared norm of the bank, or 1 when that is 0 too, so kernels stay finite. The unbiased
/// estimator drops the diagonal terms and needs at least 2 generated and 2 target rows (checked
/// by precondition); it can be negative.
public struct MMD: Sendable {
    /// Target features, `targetCount × dimension`, row-major.
    public let target: [Float]
    /// Rows in the target bank.
    public let targetCount: Int
    /// Length of one feature vector.
    public let dimension: Int
    /// The kernel exponents `1 / (s · h)`, one per scale.
    public let gammas: [Float]
    /// The median pairwise squared distance within the target bank (after the fallbacks above).
    public let medianSquaredDistance: Float
    /// Whether the unbiased estimator (no diagonal terms) is used; see the type's description.
    public let unbiased: Bool
    private let targetNorms: [Float]
    private let targetKernelMean: Double

    /// Precomputes everything the target bank determines (norms, `h`, kernel mean), O(count² · dimension).
    /// Preconditions: `count ≥ 1`, `dimension ≥ 1`, `target.count == count × dimension`, `scales`
    /// non-empty and positive, and `count ≥ 2` when `unbiased`. Biased and unbiased estimators as
    /// in Gretton et al., "A Kernel Two-Sample Test" (JMLR 2012).
    public init(target: [Float], count: Int, dimension: Int, scales: [Float] = [0.25, 1, 4], unbiased: Bool = false) {
        precondition(count >= 1 && dimension >= 1 && target.count == count * dimension,
                     "MMD: target bank of \(target.count) values is not \(count) × \(dimension)")
        precondition(!scales.isEmpty && scales.allSatisfy { $0 > 0 }, "MMD: scales must be positive, got \(scales)")
        precondition(!unbiased || count >= 2, "MMD: the unbiased estimator needs at least 2 target rows")
        self.target = target
        self.targetCount = count
        self.dimension = dimension
        self.unbiased = unbiased
        let norms = rowSquaredNorms(target, rows: count, columns: dimension)
        self.targetNorms = norms
        let dyy = squaredDistances(target, norms, count, target, norms, count, dimension)
        var offDiagonal: [Float] = []
        offDiagonal.reserveCapacity(count * (count - 1) / 2)
        for i in 0..<count { for j in (i + 1)..<max(i + 1, count) { offDiagonal.append(dyy[i * count + j]) } }
        var h = median(offDiagonal)
        if !(h > 0) { h = norms.reduce(0, +) / Float(count) }
        if !(h > 0) { h = 1 }
        self.medianSquaredDistance = h
        let gammas = scales.map { 1 / ($0 * h) }
        self.gammas = gammas
        var kyy = 0.0
        for (index, d) in dyy.enumerated() where !(unbiased && index / count == index % count) {
            for g in gammas { kyy += Double(expf(-g * d)) }
        }
        self.targetKernelMean = kyy / Double(unbiased ? count * (count - 1) : count * count)
    }

    /// MMD² of `generated` (`count × dimension`, row-major) against the target bank, and its
    /// gradient with respect to `generated` (same layout).
    public func evaluate(_ generated: [Float], count n: Int) -> (value: Double, gradient: [Float]) {
        let d = dimension, m = targetCount
        precondition(n >= 1 && generated.count == n * d,
                     "MMD: generated batch of \(generated.count) values is not \(n) × \(d)")
        precondition(!unbiased || n >= 2, "MMD: the unbiased estimator needs at least 2 generated rows")
        let xNorms = rowSquaredNorms(generated, rows: n, columns: d)
        let dxx = squaredDistances(generated, xNorms, n, generated, xNorms, n, d)
        let dxy = squaredDistances(generated, xNorms, n, target, targetNorms, m, d)
        // A = Σ γ·Kxx and B = Σ γ·Kxy weight the gradient; the kernel sums give the value.
        var a = [Float](repeating: 0, count: n * n)
        var b = [Float](repeating: 0, count: n * m)
        var kxx = 0.0, kxy = 0.0
        for (index, dist) in dxx.enumerated() {
            let diagonal = index / n == index % n
            for g in gammas {
                let k = expf(-g * dist)
                if !(unbiased && diagonal) { kxx += Double(k) }
                a[index] += g * k
            }
        }
        for (index, dist) in dxy.enumerated() {
            for g in gammas {
                let k = expf(-g * dist)
                kxy += Double(k)
                b[index] += g * k
            }
        }
        let pairsXX = Double(unbiased ? n * (n - 1) : n * n)
        let value = kxx / pairsXX + targetKernelMean - 2 * kxy / Double(n * m)

        // grad_i = -4/Nxx · (rowsum(A)_i x_i − (A X)_i) + 4/(n m) · (rowsum(B)_i x_i − (B Y)_i)
        let cxx = Float(-4 / pairsXX), cxy = Float(4 / Double(n * m))
        var gradient = [Float](repeating: 0, count: n * d)
        gemm(a, n, n, generated, d, into: &gradient, alpha: -cxx, beta: 0)
        gemm(b, n, m, target, d, into: &gradient, alpha: -cxy, beta: 1)
        for i in 0..<n {
            var rowA: Float = 0, rowB: Float = 0
            for j in 0..<n { rowA += a[i * n + j] }
            for j in 0..<m { rowB += b[i * m + j] }
            let scale = cxx * rowA + cxy * rowB
            for k in 0..<d { gradient[i * d + k] += scale * generated[i * d + k] }
        }
        return (value, gradient)
    }
}

/// Squared Euclidean norm of each row of a row-major matrix.
func rowSquaredNorms(_ x: [Float], rows: Int, columns: Int) -> [Float] {
    (0..<rows).map { i in
        var s: Float = 0
        for k in 0..<columns { let v = x[i * columns + k]; s += v * v }
        return s
    }
}

/// `‖x_i − y_j‖²` for all pairs, from the norms and one matrix product. The expansion
/// `‖x‖² + ‖y‖² − 2x·y` cancels for close rows: a result within its rounding error
/// (`4√d·ε·(‖x‖² + ‖y‖²)`, ε the Float epsilon) cannot be told from 0 and is set to 0, so equal
/// rows are at distance exactly 0 whichever BLAS kernels formed the product. (Before, a target
/// bank of equal rows got a median distance of rounding noise under OpenBLAS's FMA kernels
/// instead of 0 and its fallback: a bandwidth of ~1e-5 and an MMD gradient of exactly 0.)
func squaredDistances(_ x: [Float], _ xNorms: [Float], _ n: Int, _ y: [Float], _ yNorms: [Float], _ m: Int, _ d: Int) -> [Float] {
    var out = [Float](repeating: 0, count: n * m)
    if n > 0, m > 0, d > 0 { x.withUnsafeBufferPointer { xp in
        y.withUnsafeBufferPointer { yp in
            out.withUnsafeMutableBufferPointer { op in
                sgemm(transA: false, transB: true, m: n, n: m, k: d, alpha: -2, xp.baseAddress!, lda: d, yp.baseAddress!, ldb: d,
                      op.baseAddress!, ldc: m)
            }
        }
    } }
    let noise = 4 * Float(d).squareRoot() * Float.ulpOfOne
    for i in 0..<n {
        for j in 0..<m {
            let sum = xNorms[i] + yNorms[j], value = out[i * m + j] + sum
            out[i * m + j] = value > noise * sum ? value : 0
        }
    }
    return out
}

/// `c = alpha · a(rows × inner) · b(inner × columns) + beta · c`, row-major.
func gemm(_ a: [Float], _ rows: Int, _ inner: Int, _ b: [Float], _ columns: Int, into c: inout [Float], alpha: Float, beta: Float) {
    guard rows > 0, columns > 0 else { return }
    guard inner > 0 else {
        for i in c.indices { c[i] = beta == 0 ? 0 : beta * c[i] }
        return
    }
    a.withUnsafeBufferPointer { ap in
        b.withUnsafeBufferPointer { bp in
            c.withUnsafeMutableBufferPointer { cp in
                sgemm(transA: false, transB: false, m: rows, n: columns, k: inner, alpha: alpha, ap.baseAddress!, lda: inner,
                      bp.baseAddress!, ldb: columns, beta: beta, cp.baseAddress!, ldc: columns)
            }
        }
    }
}

/// The median of `values` (mean of the two middle ones for an even count); NaN when empty.
func median(_ values: [Float]) -> Float {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

import Foundation

/// Kernel inception distance (Bińkowski et al. 2018): the unbiased estimate of MMD² between two
/// sets of feature vectors with the cubic polynomial kernel `k(x, y) = (xᵀy / d + 1)³`, where
/// `d` is the feature dimension. Unlike `MMD` (Gaussian kernels with a bandwidth from the target
/// bank), it has no free parameter, so values from different runs with the same φ compare.
///
/// `kernelInceptionDistance(x, countX: m, y, countY: n, dimension: d)` takes row-major
/// `m × d` and `n × d` features and returns
/// `Σ_{i≠j} k(xᵢ, xⱼ) / (m(m−1)) + Σ_{i≠j} k(yᵢ, yⱼ) / (n(n−1)) − 2 Σ_{i,j} k(xᵢ, yⱼ) / (mn)`,
/// accumulated in `Double`. Being unbiased, it can be slightly negative for sets drawn from one
/// distribution. Preconditions: `m ≥ 2`, `n ≥ 2`, `d ≥ 1`, arrays of exactly those sizes.
public func kernelInceptionDistance(_ x: [Float], countX m: Int, _ y: [Float], countY n: Int, dimension d: Int) -> Double {
    precondition(m >= 2 && n >= 2 && d >= 1, "KID needs at least 2 rows per set and dimension ≥ 1")
    precondition(x.count == m * d && y.count == n * d, "KID: feature arrays do not match their counts × dimension")
    func kernel(_ a: [Float], _ i: Int, _ b: [Float], _ j: Int) -> Double {
        var dot = 0.0
        for k in 0..<d { dot += Double(a[i * d + k]) * Double(b[j * d + k]) }
        let base = dot / Double(d) + 1
        return base * base * base
    }
    func offDiagonalMean(_ a: [Float], _ count: Int) -> Double {
        var sum = 0.0
        for i in 0..<count { for j in (i + 1)..<max(i + 1, count) { sum += kernel(a, i, a, j) } }
        return 2 * sum / Double(count * (count - 1))
    }
    var cross = 0.0
    for i in 0..<m { for j in 0..<n { cross += kernel(x, i, y, j) } }
    return offDiagonalMean(x, m) + offDiagonalMean(y, n) - 2 * cross / Double(m * n)
}

import XCTest
@testable import MetaSim

final class MMDTests: XCTestCase {
    /// A small deterministic generator for test data.
    struct LCG: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state
        }
    }

    func gaussianRows(_ n: Int, _ d: Int, mean: Float, seed: UInt64) -> [Float] {
        var g = LCG(state: seed)
        var out: [Float] = []
        while out.count < n * d {
            let (a, b) = standardNormalPair(using: &g)
            out += [a + mean, b + mean]
        }
        return Array(out.prefix(n * d))
    }

    /// Reference MMD² computed directly from the definition, in Double.
    func naiveMMD(_ x: [Float], _ n: Int, _ y: [Float], _ m: Int, _ d: Int, gammas: [Float], unbiased: Bool) -> Double {
        func k(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Double {
            let s = zip(a, b).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
            return gammas.reduce(0.0) { $0 + exp(-Double($1) * s) }
        }
        func row(_ z: [Float], _ i: Int) -> ArraySlice<Float> { z[(i * d)..<((i + 1) * d)] }
        var xx = 0.0, yy = 0.0, xy = 0.0
        for i in 0..<n { for j in 0..<n where !(unbiased && i == j) { xx += k(row(x, i), row(x, j)) } }
        for i in 0..<m { for j in 0..<m where !(unbiased && i == j) { yy += k(row(y, i), row(y, j)) } }
        for i in 0..<n { for j in 0..<m { xy += k(row(x, i), row(y, j)) } }
        let nxx = Double(unbiased ? n * (n - 1) : n * n), nyy = Double(unbiased ? m * (m - 1) : m * m)
        return xx / nxx + yy / nyy - 2 * xy / Double(n * m)
    }

    func testValueMatchesDefinitionBiasedAndUnbiased() {
        let d = 5, n = 7, m = 9
        let y = gaussianRows(m, d, mean: 0, seed: 1)
        let x = gaussianRows(n, d, mean: 0.5, seed: 2)
        for unbiased in [false, true] {
            let mmd = MMD(target: y, count: m, dimension: d, unbiased: unbiased)
            let got = mmd.evaluate(x, count: n).value
            let want = naiveMMD(x, n, y, m, d, gammas: mmd.gammas, unbiased: unbiased)
            XCTAssertEqual(got, want, accuracy: 1e-5 * max(1, abs(want)), "unbiased=\(unbiased)")
        }
    }

    func testGradientMatchesFiniteDifferences() {
        let d = 4, n = 6, m = 8
        let y = gaussianRows(m, d, mean: 0, seed: 3)
        let x = gaussianRows(n, d, mean: 1, seed: 4)
        for unbiased in [false, true] {
            let mmd = MMD(target: y, count: m, dimension: d, unbiased: unbiased)
            let analytic = mmd.evaluate(x, count: n).gradient
            let h: Float = 1e-2
            for index in stride(from: 0, to: n * d, by: 3) {
                var plus = x, minus = x
                plus[index] += h
                minus[index] -= h
                let fd = (naiveMMD(plus, n, y, m, d, gammas: mmd.gammas, unbiased: unbiased)
                    - naiveMMD(minus, n, y, m, d, gammas: mmd.gammas, unbiased: unbiased)) / Double(2 * h)
                XCTAssertEqual(Double(analytic[index]), fd, accuracy: 2e-3 * max(1, abs(fd)), "entry \(index)")
            }
        }
    }

    func testZeroForIdenticalSetsAndPositiveWhenShifted() {
        let d = 3, m = 20
        let y = gaussianRows(m, d, mean: 0, seed: 5)
        let mmd = MMD(target: y, count: m, dimension: d)
        XCTAssertEqual(mmd.evaluate(y, count: m).value, 0, accuracy: 1e-6)
        XCTAssertGreaterThan(mmd.evaluate(gaussianRows(m, d, mean: 2, seed: 6), count: m).value, 0.1)
    }

    /// Equal rows far from the origin are at distance exactly 0 (the norm expansion cancels to
    /// rounding noise, whose sign and size depend on the BLAS kernels: FMA or not), so a target
    /// bank of one repeated row falls back to its mean squared norm as the bandwidth and a
    /// generated set elsewhere gets a non-zero gradient.
    func testEqualRowsAreAtDistanceZero() {
        let d = 2, m = 8
        let row: [Float] = [10.999313, 9.999375]
        let y = Array([[Float]](repeating: row, count: m).joined())
        let norms = rowSquaredNorms(y, rows: m, columns: d)
        XCTAssertEqual(squaredDistances(y, norms, m, y, norms, m, d), [Float](repeating: 0, count: m * m))
        let wide = gaussianRows(16, 512, mean: 3, seed: 9)
        let wideNorms = rowSquaredNorms(wide, rows: 16, columns: 512)
        let distances = squaredDistances(wide, wideNorms, 16, wide, wideNorms, 16, 512)
        for i in 0..<16 { XCTAssertEqual(distances[i * 16 + i], 0, "row \(i)") }
        XCTAssertGreaterThan(distances[1], 100, "distinct rows keep their distance")
        let mmd = MMD(target: y, count: m, dimension: d)
        XCTAssertEqual(mmd.medianSquaredDistance, norms[0], accuracy: 1e-3)
        let x = Array([[Float]](repeating: [7.834101, 7.609545], count: m).joined())
        XCTAssertGreaterThan(mmd.evaluate(x, count: m).gradient.map(abs).max()!, 1e-3)
    }

    /// Features far apart (squared distances ~100, as on EfficientNet features) must still give a
    /// non-zero gradient: the median heuristic scales the kernel to the data.
    func testGradientNonZeroAtLargeDistances() {
        let d = 64, n = 10, m = 30
        let y = gaussianRows(m, d, mean: 0, seed: 7).map { $0 * 5 }
        let x = gaussianRows(n, d, mean: 3, seed: 8).map { $0 * 5 }
        let mmd = MMD(target: y, count: m, dimension: d)
        XCTAssertGreaterThan(mmd.medianSquaredDistance, 1000)
        let grad = mmd.evaluate(x, count: n).gradient
        XCTAssertGreaterThan(grad.map { abs($0) }.max()!, 1e-6)
    }

    /// Gradient descent on the generated points pulls them onto the target's location.
    func testDescentMovesGeneratedTowardTarget() {
        let d = 2, n = 16, m = 64
        let y = gaussianRows(m, d, mean: 3, seed: 9)
        var x = gaussianRows(n, d, mean: 0, seed: 10)
        let mmd = MMD(target: y, count: m, dimension: d)
        let start = mmd.evaluate(x, count: n).value
        for _ in 0..<1000 {
            let g = mmd.evaluate(x, count: n).gradient
            for i in x.indices { x[i] -= 20 * g[i] }
        }
        // The median, not the mean: a point that starts far from the bank can be pushed away by
        // the other generated points faster than the bank pulls it in.
        XCTAssertEqual(median(x), 3, accuracy: 0.3)
        XCTAssertLessThan(mmd.evaluate(x, count: n).value, start * 0.1)
    }
}

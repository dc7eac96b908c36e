import Foundation
import XCTest
@testable import Grammar

final class RandomSourceTests: XCTestCase {
    private func stats(_ n: Int, _ draw: () -> Double) -> (mean: Double, std: Double, min: Double, max: Double) {
        var sum = 0.0, sq = 0.0, lo = Double.infinity, hi = -Double.infinity
        for _ in 0..<n { let x = draw(); sum += x; sq += x * x; lo = min(lo, x); hi = max(hi, x) }
        let mean = sum / Double(n)
        return (mean, (sq / Double(n) - mean * mean).squareRoot(), lo, hi)
    }

    func testSameKeyGivesSameStreamAndKeysDiffer() {
        var a = RandomSource(seed: 7, stream: 0, index: 3), b = RandomSource(seed: 7, stream: 0, index: 3)
        let seqA = (0..<8).map { _ in a.next() }
        XCTAssertEqual(seqA, (0..<8).map { _ in b.next() })
        for other in [RandomSource(seed: 8, stream: 0, index: 3), RandomSource(seed: 7, stream: 1, index: 3), RandomSource(seed: 7, stream: 0, index: 4)] {
            var o = other
            XCTAssertNotEqual(seqA, (0..<8).map { _ in o.next() })
        }
    }

    func testUnitAndBelowStayInRangeAndAreUniform() {
        var r = RandomSource(seed: 1)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[r.below(7)] += 1 }
        for c in counts { XCTAssertEqual(Double(c), 10_000, accuracy: 400) }  // ~4 sigma
        let s = stats(50_000) { r.unit() }
        XCTAssertGreaterThanOrEqual(s.min, 0)
        XCTAssertLessThan(s.max, 1)
        XCTAssertEqual(s.mean, 0.5, accuracy: 0.006)
        XCTAssertEqual(s.std, (1.0 / 12).squareRoot(), accuracy: 0.005)
    }

    func testUniformMeanAndStd() {
        var r = RandomSource(seed: 2)
        let s = stats(50_000) { r.uniform(-3, 5) }
        XCTAssertGreaterThanOrEqual(s.min, -3)
        XCTAssertLessThan(s.max, 5)
        XCTAssertEqual(s.mean, 1, accuracy: 0.05)
        XCTAssertEqual(s.std, 8 / 12.0.squareRoot(), accuracy: 0.03)
    }

    func testGaussianMeanAndStd() {
        var r = RandomSource(seed: 3)
        let s = stats(50_000) { r.gaussian(mean: 10, std: 2) }
        XCTAssertEqual(s.mean, 10, accuracy: 0.04)
        XCTAssertEqual(s.std, 2, accuracy: 0.04)
    }

    func testTruncatedGaussianMatchesTheTruncatedMoments() {
        // Truncated to [0, 3] with mean 1, std 2: mean = μ + σ(φ(α) − φ(β)) / Z.
        var r = RandomSource(seed: 4)
        let s = stats(40_000) { r.truncatedGaussian(mean: 1, std: 2, lower: 0, upper: 3) }
        let phi = { (x: Double) in exp(-x * x / 2) / (2 * Double.pi).squareRoot() }
        let a = -0.5, b = 1.0
        let z = RandomSource.normalCDF(b) - RandomSource.normalCDF(a)
        let mean = 1 + 2 * (phi(a) - phi(b)) / z
        let variance = 4 * (1 + (a * phi(a) - b * phi(b)) / z - pow((phi(a) - phi(b)) / z, 2))
        XCTAssertGreaterThanOrEqual(s.min, 0)
        XCTAssertLessThanOrEqual(s.max, 3)
        XCTAssertEqual(s.mean, mean, accuracy: 0.02)
        XCTAssertEqual(s.std, variance.squareRoot(), accuracy: 0.02)
    }

    func testFarTailTruncationUsesTheInverseCDFAndStaysInRange() {
        var r = RandomSource(seed: 5)
        let s = stats(5_000) { r.truncatedGaussian(mean: 0, std: 1, lower: 6, upper: 7) }
        XCTAssertGreaterThanOrEqual(s.min, 6)
        XCTAssertLessThanOrEqual(s.max, 7)
        // Tail beyond 6 is roughly exponential with rate 6: mean ≈ 6 + 1/6.
        XCTAssertEqual(s.mean, 6.16, accuracy: 0.02)
        let lower = stats(5_000) { r.truncatedGaussian(mean: 0, std: 1, lower: -7, upper: -6) }
        XCTAssertEqual(lower.mean, -6.16, accuracy: 0.02)
    }

    func testPoissonMeanVarianceAndCap() {
        var r = RandomSource(seed: 6)
        for lambda in [0.5, 4.0, 75.0] {
            let s = stats(20_000) { Double(r.poisson(lambda: lambda, cap: 10_000)) }
            XCTAssertEqual(s.mean, lambda, accuracy: 5 * (lambda / 20_000).squareRoot(), "λ=\(lambda)")
            XCTAssertEqual(s.std * s.std, lambda, accuracy: 0.05 * lambda + 0.02, "λ=\(lambda)")
        }
        let capped = stats(2_000) { Double(r.poisson(lambda: 50, cap: 10)) }
        XCTAssertEqual(capped.max, 10)
        XCTAssertEqual(r.poisson(lambda: 0, cap: 5), 0)
    }

    func testCategoricalFollowsWeights() {
        var r = RandomSource(seed: 7)
        var counts = [0, 0, 0, 0]
        for _ in 0..<40_000 { counts[r.categoricalIndex(cumulative: [1, 1, 3, 4])] += 1 }  // weights 1, 0, 2, 1
        XCTAssertEqual(counts[1], 0)
        XCTAssertEqual(Double(counts[0]) / 40_000, 0.25, accuracy: 0.01)
        XCTAssertEqual(Double(counts[2]) / 40_000, 0.5, accuracy: 0.01)
        XCTAssertEqual(Double(counts[3]) / 40_000, 0.25, accuracy: 0.01)
    }
}

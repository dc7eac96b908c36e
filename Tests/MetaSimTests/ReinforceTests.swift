import XCTest
@testable import MetaSim

final class ReinforceTests: XCTestCase {
    /// For R(a) = −Σ (a − t)², E[R] = −Σ ((μ − t)² + σ²), so ∂E[R]/∂μ = −2(μ − t). The mean of
    /// many single-sample estimates must agree within a few standard errors.
    func testEstimatorIsUnbiasedOnQuadraticReward() {
        let mean: [Float] = [0.2, 0.7, 0.5]
        let mask: [Float] = [1, 1, 0]
        let target: [Float] = [0.6, 0.3, 0.9]
        var generator = MMDTests.LCG(state: 42)
        var estimator = ReinforceEstimator(sigma: 0.1, baselineMomentum: 0.05)
        let trials = 20_000
        var sums = [Double](repeating: 0, count: 3), squares = [Double](repeating: 0, count: 3)
        for _ in 0..<trials {
            let a = estimator.sample(mean: mean, mask: mask, using: &generator)
            let reward = -zip(a, target).enumerated().reduce(Float(0)) { acc, e in
                mask[e.offset] != 0 ? acc + (e.element.0 - e.element.1) * (e.element.0 - e.element.1) : acc
            }
            let g = estimator.gradient(reward: reward, sample: a, mean: mean, mask: mask)
            for i in 0..<3 { sums[i] += Double(g[i]); squares[i] += Double(g[i] * g[i]) }
        }
        for i in 0..<2 {
            let m = sums[i] / Double(trials)
            let se = ((squares[i] / Double(trials) - m * m) / Double(trials)).squareRoot()
            let want = Double(-2 * (mean[i] - target[i]))
            XCTAssertEqual(m, want, accuracy: 4 * se + 1e-3, "entry \(i): se \(se)")
        }
        XCTAssertEqual(sums[2], 0, "masked entry must get no gradient")
    }

    func testLogDensityOfMeanIsTheNormaliser() {
        let est = ReinforceEstimator(sigma: 0.5)
        let lp = est.logDensity(sample: [1, 2], mean: [1, 2], mask: [1, 1])
        XCTAssertEqual(lp, 2 * (-0.5 * log(2 * Double.pi) - log(0.5)), accuracy: 1e-6)
    }
}

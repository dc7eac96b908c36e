import Foundation

/// The score-function (REINFORCE) estimator for attributes drawn from `N(μ, σ²)`.
///
/// Attributes are sampled *without* a gradient path (`a = μ + σ·ε`, ε drawn outside any
/// differentiation), a reward `R` is measured on them, and the estimator of `∂E[R]/∂μ` is
/// `(R − b) · ∂ log N(a; μ, σ²)/∂μ = (R − b) · (a − μ) / σ²`. The baseline `b` is a moving
/// average of past rewards; it lowers the variance and, being independent of the current
/// sample, keeps the estimator unbiased.
///
/// (The original implementation took the log-density of a reparameterised sample, which does
/// not depend on μ: its REINFORCE gradient was exactly zero. This type cannot make that mistake:
/// it takes the sample and the mean separately.)
public struct ReinforceEstimator: Sendable {
    /// Standard deviation of the sampling distribution, in normalised attribute units. > 0.
    public let sigma: Float
    /// Weight of the newest reward in the moving-average baseline, in (0, 1].
    public let baselineMomentum: Float
    /// The current baseline; nil until the first reward.
    public internal(set) var baseline: Float?

    /// Preconditions: `sigma > 0` and `baselineMomentum` in (0, 1]. Starts with no baseline.
    public init(sigma: Float, baselineMomentum: Float = 0.1) {
        precondition(sigma > 0, "ReinforceEstimator: sigma must be > 0, got \(sigma)")
        precondition(baselineMomentum > 0 && baselineMomentum <= 1,
                     "ReinforceEstimator: baselineMomentum must be in (0, 1], got \(baselineMomentum)")
        self.sigma = sigma
        self.baselineMomentum = baselineMomentum
    }

    /// Draws `a = μ + σ·ε` for each entry where `mask` is non-zero; masked-out entries keep μ.
    public func sample<G: RandomNumberGenerator>(mean: [Float], mask: [Float], using generator: inout G) -> [Float] {
        precondition(mean.count == mask.count, "ReinforceEstimator.sample: mean \(mean.count) vs mask \(mask.count)")
        var out = mean
        var i = 0
        while i < out.count {
            let (z0, z1) = standardNormalPair(using: &generator)
            if mask[i] != 0 { out[i] += sigma * z0 }
            if i + 1 < out.count, mask[i + 1] != 0 { out[i + 1] += sigma * z1 }
            i += 2
        }
        return out
    }

    /// The estimate of `∂E[R]/∂μ` for one reward, then updates the baseline with it.
    /// Entries where `mask` is zero get 0. The gradient points *up* the reward; a loss to
    /// minimise is its negative.
    public mutating func gradient(reward: Float, sample: [Float], mean: [Float], mask: [Float]) -> [Float] {
        precondition(sample.count == mean.count && mean.count == mask.count,
                     "ReinforceEstimator.gradient: sample \(sample.count), mean \(mean.count), mask \(mask.count)")
        let advantage = reward - (baseline ?? reward)
        let inverseVariance = 1 / (sigma * sigma)
        var grad = [Float](repeating: 0, count: mean.count)
        for i in grad.indices where mask[i] != 0 {
            grad[i] = advantage * (sample[i] - mean[i]) * inverseVariance
        }
        baseline = baseline.map { $0 + baselineMomentum * (reward - $0) } ?? reward
        return grad
    }

    /// Summed log-density `Σ log N(a_i; μ_i, σ²)` over the masked entries.
    public func logDensity(sample: [Float], mean: [Float], mask: [Float]) -> Double {
        let logNorm = -0.5 * log(2 * Double.pi) - Double(log(sigma))
        var total = 0.0
        for i in sample.indices where mask[i] != 0 {
            let z = Double((sample[i] - mean[i]) / sigma)
            total += logNorm - 0.5 * z * z
        }
        return total
    }
}

/// Two independent standard normal draws (Box–Muller), from `generator`'s 64-bit outputs only,
/// so results do not depend on the standard library's sampling algorithms.
func standardNormalPair<G: RandomNumberGenerator>(using generator: inout G) -> (Float, Float) {
    // u1 in (0, 1], u2 in [0, 1): 53-bit uniforms from the top bits.
    let u1 = (Double(generator.next() >> 11) + 1) / 9_007_199_254_740_992
    let u2 = Double(generator.next() >> 11) / 9_007_199_254_740_992
    let r = (-2 * log(u1)).squareRoot()
    return (Float(r * cos(2 * .pi * u2)), Float(r * sin(2 * .pi * u2)))
}


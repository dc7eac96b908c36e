/// Compares autodiff gradients with central finite differences, for tests (of this engine and
/// of any custom op such as a renderer VJP).
public struct GradientCheckResult: Sendable, CustomStringConvertible {
    /// Largest |analytic − numeric| / (atol + rtol·|numeric|) over all checked elements;
    /// ≤ 1 means every element is within tolerance.
    public var worstRatio: Double
    /// Where the worst element is: input index, flat element index, analytic and numeric values.
    public var worst: (input: Int, element: Int, analytic: Double, numeric: Double)
    /// True when every checked element is within tolerance (`worstRatio ≤ 1`); a NaN anywhere
    /// makes `worstRatio` infinite, so the check fails.
    public var passed: Bool { worstRatio <= 1 }
    /// One-line summary of the worst element: its ratio, input and element index, and both values.
    public var description: String {
        "worst ratio \(worstRatio) at input \(worst.input) element \(worst.element): analytic \(worst.analytic), numeric \(worst.numeric)"
    }
}

/// Checks the gradients of `f` at `inputs`. The scalar checked is Σ f(x)·R for a fixed random
/// R (seeded), accumulated in Double; each input element is nudged by ±`step`.
/// Use steps ≈ 1e-2…1e-3 in Float32 and inputs away from kinks (relu at 0, ties in max).
/// Checks at most `maxElements` elements per input (spread evenly) to stay fast.
public func checkGradients(_ inputs: [Tensor], step: Float = 1e-2, rtol: Double = 2e-2, atol: Double = 2e-3,
                           maxElements: Int = 64, seed: UInt64 = 7,
                           _ f: ([Tensor]) -> Tensor) -> GradientCheckResult {
    let plain = inputs.map(\.detached)
    let probe = withoutGradients { f(plain) }
    var rng = SplitMix64(seed: seed)
    let weights = Tensor.uniform(probe.shape, lo: -1, hi: 1, rng: &rng)
    func objective(_ xs: [Tensor]) -> Double {
        let y = withoutGradients { f(xs) }
        var acc: Double = 0
        for (a, b) in zip(y.data, weights.data) { acc += Double(a) * Double(b) }
        return acc
    }
    let leaves = plain.map { $0.requiringGrad() }
    let output = f(leaves)
    let analytic = gradients(of: output, seed: weights, wrt: leaves)
    var result = GradientCheckResult(worstRatio: 0, worst: (0, 0, 0, 0))
    for (index, input) in plain.enumerated() where input.count > 0 {
        let every = Swift.max(1, input.count / maxElements)
        for element in stride(from: 0, to: input.count, by: every) {
            var xs = plain
            xs[index].data[element] = input.data[element] + step
            let up = objective(xs)
            xs[index].data[element] = input.data[element] - step
            let down = objective(xs)
            let numeric = (up - down) / (2 * Double(step))
            let value = Double(analytic[index].data[element])
            let ratio = Swift.abs(value - numeric) / (atol + rtol * Swift.abs(numeric))
            if !(ratio <= result.worstRatio) {
                result.worstRatio = ratio.isNaN ? .infinity : ratio
                result.worst = (index, element, value, numeric)
            }
        }
    }
    return result
}

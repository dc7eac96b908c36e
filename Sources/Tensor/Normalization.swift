/// Batch normalisation over [N, C, ...] (statistics per channel, axis 1).
extension Tensor {
    /// Training mode: normalises with the batch mean and biased variance, then scales by
    /// `gamma` and shifts by `beta` ([C] each). Returns the output and the batch mean and
    /// unbiased variance (for running statistics; unbiased variance is NaN with one element).
    /// Built from differentiable ops, so gradients flow to the input, gamma and beta.
    public func batchNormTraining(gamma: Tensor, beta: Tensor, epsilon: Float = 1e-5)
        -> (output: Tensor, mean: Tensor, variance: Tensor) {
        precondition(rank >= 2 && gamma.shape == [shape[1]] && beta.shape == [shape[1]],
                     "batchNorm: input shape \(shape), gamma \(gamma.shape), beta \(beta.shape) do not agree")
        let axes = [0] + Array(2..<rank)
        var statShape = [Int](repeating: 1, count: rank)
        statShape[1] = shape[1]
        let mu = mean(axes: axes, keepDims: true)
        let centred = self - mu
        let variance = centred.squared().mean(axes: axes, keepDims: true)
        let normalised = centred / (variance + epsilon).sqrt()
        let out = normalised * gamma.reshaped(statShape) + beta.reshaped(statShape)
        let m = Float(count / shape[1])
        let unbiased = variance.detached.reshaped([shape[1]]) * (m / (m - 1))
        return (out, mu.detached.reshaped([shape[1]]), unbiased)
    }

    /// Inference mode: (x − mean) / sqrt(variance + ε) · gamma + beta with fixed statistics
    /// ([C] each); gradients flow to the input, gamma and beta.
    public func batchNormInference(mean: Tensor, variance: Tensor, gamma: Tensor, beta: Tensor,
                                   epsilon: Float = 1e-5) -> Tensor {
        let c = shape[1]
        precondition(rank >= 2 && [mean, variance, gamma, beta].allSatisfy { $0.shape == [c] },
                     "batchNorm: input shape \(shape) and statistics \([mean, variance, gamma, beta].map(\.shape)) do not agree")
        var statShape = [Int](repeating: 1, count: rank)
        statShape[1] = c
        let invStd = (variance.detached + epsilon).sqrt().mapData { 1 / $0 }
        let scale = gamma * Tensor(uncheckedShape: [c], data: invStd)
        let shift = beta - mean.detached * scale
        return self * scale.reshaped(statShape) + shift.reshaped(statShape)
    }
}

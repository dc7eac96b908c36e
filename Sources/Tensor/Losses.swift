import Foundation

/// Loss functions; each returns a scalar mean over the batch unless stated.
extension Tensor {
    /// Mean squared error.
    public static func mseLoss(_ prediction: Tensor, _ target: Tensor) -> Tensor {
        precondition(prediction.shape == target.shape,
                     "mseLoss: prediction shape \(prediction.shape) differs from target shape \(target.shape)")
        return (prediction - target).squared().mean()
    }

    /// Negative log-likelihood of `logProbabilities` [N, K] at integer `labels` (N of them),
    /// averaged, each sample weighted by `classWeights[label]` when given (then divided by the
    /// total weight, as PyTorch does).
    /// - Precondition: every label in 0..<K.
    public static func nllLoss(_ logProbabilities: Tensor, labels: [Int], classWeights: [Float]? = nil) -> Tensor {
        precondition(logProbabilities.rank == 2 && logProbabilities.shape[0] == labels.count,
                     "nllLoss: log-probabilities shape \(logProbabilities.shape) and \(labels.count) labels do not agree")
        let k = logProbabilities.shape[1]
        if let classWeights { precondition(classWeights.count == k, "nllLoss: \(classWeights.count) class weights for \(k) classes") }
        var picks = [Float](repeating: 0, count: labels.count * k)
        var total: Float = 0
        for (i, label) in labels.enumerated() {
            precondition(label >= 0 && label < k, "nllLoss: label \(label) out of 0..<\(k)")
            let weight = classWeights?[label] ?? 1
            picks[i * k + label] = -weight
            total += weight
        }
        return (logProbabilities * Tensor(uncheckedShape: logProbabilities.shape, data: picks)).sum() / total
    }

    /// Cross-entropy of `logits` [N, K] against integer labels: nllLoss(logSoftmax(logits)).
    public static func crossEntropyLoss(_ logits: Tensor, labels: [Int], classWeights: [Float]? = nil) -> Tensor {
        nllLoss(logits.logSoftmax(axis: 1), labels: labels, classWeights: classWeights)
    }

    /// Binary cross-entropy on logits (stable form max(x,0) − x·t + log(1 + e^{−|x|})), mean.
    public static func binaryCrossEntropyWithLogits(_ logits: Tensor, _ target: Tensor) -> Tensor {
        precondition(logits.shape == target.shape,
                     "binaryCrossEntropy: logits shape \(logits.shape) differs from target shape \(target.shape)")
        return (logits.relu() - logits * target + ((-logits.abs()).exp() + 1).log()).mean()
    }

    /// Binary cross-entropy on probabilities in [0, 1] (clamped to [1e-7, 1 − 1e-7]), mean.
    public static func binaryCrossEntropy(_ probabilities: Tensor, _ target: Tensor) -> Tensor {
        precondition(probabilities.shape == target.shape,
                     "binaryCrossEntropy: shape \(probabilities.shape) differs from target shape \(target.shape)")
        let p = probabilities.clamped(1e-7, 1 - 1e-7)
        return -(target * p.log() + (1 - target) * (1 - p).log()).mean()
    }

    /// Elementwise log-density of N(mean, std²) at `x` (broadcasting):
    /// −(x−μ)²/(2σ²) − log σ − ½ log 2π. Not reduced.
    public static func gaussianLogDensity(_ x: Tensor, mean: Tensor, std: Tensor) -> Tensor {
        let z = (x - mean) / std
        return z.squared() * -0.5 - std.log() - 0.5 * Float(Foundation.log(2 * Double.pi))
    }
}

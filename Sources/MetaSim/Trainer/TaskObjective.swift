import NN
import Render
import Scene
import Tensor

/// Stage 3: the task objective. Attributes are perturbed around G_θ(X) on the mutable entries
/// (no gradient path through the perturbation), a dataset is rendered from them, a task network
/// is trained on it and scored on the labelled target validation set; the score is the reward,
/// turned into a gradient for θ by `settings.estimator`, weighted against MMD by
/// `settings.weight`:
/// - `reinforce`: one sample `N(G_θ(X), σ²)` per entry, a network trained from scratch per
///   reward, `ReinforceEstimator`.
/// - `attribute_moves`: `settings.pairs` antithetic pairs of shift/spread moves per attribute
///   (`AttributeMoves`), both sides of a pair on the same scenes from the same network weights
///   and minibatch order; the network is new per pair, or, with `settings.fineTune`, one network
///   kept through the run — first trained for the task network's `epochs` on G_θ's unperturbed
///   output — and fine-tuned for one epoch per side (the better side's weights kept).
public struct TaskObjective {
    /// Stage 3's settings (estimator, σ, weight, images per reward, cadence).
    public let settings: TaskSettings
    var estimator: ReinforceEstimator
    var generator: SplitMix64
    /// The fine-tuned task network's weights between rewards (`settings.fineTune`); nil before the first.
    var network: [String: Tensor]?
    /// The encoding columns it perturbs and moves (`settings.attributes`); nil: all mutable ones.
    let columns: AttributeColumnMask?

    /// A fresh objective (no baseline, no network yet) with σ from `settings` and a random
    /// generator derived from `seed`, acting on the encoding columns `columns` (nil: every
    /// mutable one). Precondition: `settings.sigma > 0`.
    public init(settings: TaskSettings, seed: UInt64, columns: Set<Int>? = nil) {
        self.settings = settings
        self.columns = columns.map(AttributeColumnMask.init)
        estimator = ReinforceEstimator(sigma: Float(settings.sigma))
        generator = SplitMix64(seed: seed ^ 0x7A5C_0B1E_C7_1FE)
    }

    /// One reward (the mean over the rewards measured) and the gradients (to *minimise*) of
    /// `−weight · reward` for `parameters`.
    ///
    /// - Parameters:
    ///   - graphs: fresh prior samples (`settings.images` of them) to perturb and render.
    ///   - encoder: encodes `graphs` for `transformer` and decodes the perturbed attributes.
    ///   - renderer: renders the perturbed scenes with ground truth (for labels); its canvas is the
    ///     task network's input size.
    ///   - validation: the labelled target validation set the reward is scored on (its kind and
    ///     classes fix the task).
    ///   - network: one epoch per reward (`epochs`: only for the kept network's first training);
    ///     batch size, learning rate and width used.
    /// - Returns: the reward (`settings.metric`, or the task network's primary metric; 0–1) and the gradients.
    /// - Throws: rendering errors, or `InputError` when rendered labels do not fit the classes.
    public mutating func rewardGradients(graphs: [SceneGraph], encoder: SceneEncoder, transformer: DistributionTransformer,
                                         renderer: any Renderer, validation: TaskSet, network settings: TaskNetworkSettings,
                                         parameters: [Parameter]) throws -> (reward: Double, gradients: Gradients) {
        let batch = encoder.encode(graphs)
        let (x, mask, operators) = batch.tensors
        let mean = transformer(x, mask: mask, graph: operators)
        let mutableMask = columns.map { $0.restricting(batch.mutableMask, width: batch.width) } ?? batch.mutableMask
        let scorer = TaskValidationScore(renderer: renderer, validation: validation, network: settings, metric: self.settings.metric)
        /// A network (from `start`, else new) trained for `epochs` on scenes with attributes `values`.
        func trained(_ values: [Float], from start: [String: Tensor]?, epochs: Int, seed: UInt64) throws -> TaskNetwork {
            var decoded = graphs
            encoder.decode(values, into: &decoded)
            return try scorer.trained(decoded, from: start, epochs: epochs, seed: seed, source: "task objective")
        }
        let reward = scorer.score
        var ascent: [Float]
        var meanReward = 0.0
        switch self.settings.estimator {
        case .reinforce:
            let sample = estimator.sample(mean: mean.data, mask: mutableMask, using: &generator)
            meanReward = reward(try trained(sample, from: nil, epochs: 1, seed: generator.next()))
            ascent = estimator.gradient(reward: Float(meanReward), sample: sample, mean: mean.data, mask: mutableMask)
        case .attributeMoves:
            let moves = AttributeMoves(mask: mutableMask, width: batch.width, sigma: Float(self.settings.sigma))
            if self.settings.fineTune, network == nil {
                // The kept network starts trained for `settings.epochs` on G_θ's unperturbed output.
                network = try trained(mean.data, from: nil, epochs: settings.epochs, seed: generator.next()).network.state
            }
            var g = [Float](repeating: 0, count: moves.dimension)
            for _ in 0..<self.settings.pairs {
                let epsilon = moves.direction(using: &generator)
                let seed = generator.next()
                let start = self.settings.fineTune ? network : nil
                let plus = try trained(moves.apply(epsilon.map { moves.sigma * $0 }, to: mean.data), from: start, epochs: 1, seed: seed)
                let minus = try trained(moves.apply(epsilon.map { -moves.sigma * $0 }, to: mean.data), from: start, epochs: 1, seed: seed)
                let (rewardPlus, rewardMinus) = (reward(plus), reward(minus))
                for (k, v) in moves.gradient(direction: epsilon, rewardPlus: rewardPlus, rewardMinus: rewardMinus).enumerated() {
                    g[k] += v / Float(self.settings.pairs)
                }
                meanReward += (rewardPlus + rewardMinus) / Double(2 * self.settings.pairs)
                if self.settings.fineTune { network = (rewardPlus >= rewardMinus ? plus : minus).network.state }
            }
            ascent = moves.entryGradient(g, mean: mean.data)
        }
        let seed = Tensor(shape: mean.shape, data: ascent.map { -Float(self.settings.weight) * $0 })
        return (meanReward, Gradients(parameters, gradients(of: mean, seed: seed, wrt: parameters.map(\.value))))
    }
}

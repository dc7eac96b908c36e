import NN
import Render
import Scene
import Tensor

/// Stage 3: the task objective. Attributes are sampled from `N(G_θ(X), σ²)` on the mutable
/// entries (no gradient path through the sample), a dataset is rendered from them, a task
/// network is trained on it from scratch and scored on the labelled target validation set;
/// the score is the reward, and REINFORCE turns it into a gradient for θ (see
/// `ReinforceEstimator`), weighted against MMD by `settings.weight`.
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
///   kept through the run and fine-tuned for one epoch per side (the better side's weights kept).
public struct TaskObjective {
    /// Stage 3's settings (estimator, σ, weight, images per reward, cadence).
    public let settings: TaskSettings
    var estimator: ReinforceEstimator
    var generator: SplitMix64
    /// The fine-tuned task network's weights between rewards (`settings.fineTune`); nil before the first.
    var network: [String: Tensor]?

    /// A fresh objective (no baseline, no network yet) with σ from `settings` and a random
    /// generator derived from `seed`. Precondition: `settings.sigma > 0`.
    public init(settings: TaskSettings, seed: UInt64) {
        self.settings = settings
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
    ///   - network: epochs are ignored (one epoch per reward); batch size, learning rate and width used.
    /// - Returns: the reward (`settings.metric`, or the task network's primary metric; 0–1) and the gradients.
    /// - Throws: rendering errors, or `InputError` when rendered labels do not fit the classes.
    public mutating func rewardGradients(graphs: [SceneGraph], encoder: SceneEncoder, transformer: DistributionTransformer,
                                         renderer: any Renderer, validation: TaskSet, network settings: TaskNetworkSettings,
                                         parameters: [Parameter]) throws -> (reward: Double, gradients: Gradients) {
        let batch = encoder.encode(graphs)
        let (x, mask, operators) = batch.tensors
        let mean = transformer(x, mask: mask, graph: operators)
        let metric = self.settings.metric
        func reward(_ values: [Float], _ start: [String: Tensor]?, _ trainingSeed: UInt64) throws -> (Double, TaskNetwork) {
            var decoded = graphs
            encoder.decode(values, into: &decoded)
            let data = try TaskSet(rendered: try renderer.render(decoded), kind: validation.kind, classes: validation.classes,
                                   rendererClasses: renderer.classes, source: "task objective")
            let network = TaskNetwork(kind: validation.kind, canvas: renderer.canvas, classes: validation.classes,
                                      seed: trainingSeed, width: settings.width)
            if let start { try network.network.load(start) }
            network.train(on: data, epochs: 1, batchSize: settings.batchSize, learningRate: Float(settings.learningRate), seed: trainingSeed)
            return (network.scores(on: validation)[metric ?? network.primaryMetric] ?? 0, network)
        }
        var ascent: [Float]
        var meanReward = 0.0
        switch self.settings.estimator {
        case .reinforce:
            let sample = estimator.sample(mean: mean.data, mask: batch.mutableMask, using: &generator)
            meanReward = try reward(sample, nil, generator.next()).0
            ascent = estimator.gradient(reward: Float(meanReward), sample: sample, mean: mean.data, mask: batch.mutableMask)
        case .attributeMoves:
            let moves = AttributeMoves(mask: batch.mutableMask, width: batch.width, sigma: Float(self.settings.sigma))
            var g = [Float](repeating: 0, count: moves.dimension)
            for _ in 0..<self.settings.pairs {
                let epsilon = moves.direction(using: &generator)
                let trainingSeed = generator.next()
                let start = self.settings.fineTune ? network : nil
                let plus = try reward(moves.apply(epsilon.map { moves.sigma * $0 }, to: mean.data), start, trainingSeed)
                let minus = try reward(moves.apply(epsilon.map { -moves.sigma * $0 }, to: mean.data), start, trainingSeed)
                for (k, v) in moves.gradient(direction: epsilon, rewardPlus: plus.0, rewardMinus: minus.0).enumerated() {
                    g[k] += v / Float(self.settings.pairs)
                }
                meanReward += (plus.0 + minus.0) / Double(2 * self.settings.pairs)
                if self.settings.fineTune { network = (plus.0 >= minus.0 ? plus.1 : minus.1).network.state }
            }
            ascent = moves.entryGradient(g, mean: mean.data)
        }
        let seed = Tensor(shape: mean.shape, data: ascent.map { -Float(self.settings.weight) * $0 })
        return (meanReward, Gradients(parameters, gradients(of: mean, seed: seed, wrt: parameters.map(\.value))))
    }
}

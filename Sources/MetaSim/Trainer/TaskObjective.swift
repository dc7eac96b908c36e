import NN
import Render
import Scene
import Tensor

/// Stage 3: the task objective. Attributes are sampled from `N(G_θ(X), σ²)` on the mutable
/// entries (no gradient path through the sample), a dataset is rendered from them, a task
/// network is trained on it from scratch and scored on the labelled target validation set;
/// the score is the reward, and REINFORCE turns it into a gradient for θ (see
/// `ReinforceEstimator`), weighted against MMD by `settings.weight`.
public struct TaskObjective {
    /// Stage 3's settings (σ, weight, images per reward, cadence).
    public let settings: TaskSettings
    var estimator: ReinforceEstimator
    var generator: SplitMix64

    /// A fresh estimator (no baseline yet) with σ from `settings` and a random generator derived from `seed`.
    /// Precondition: `settings.sigma > 0`.
    public init(settings: TaskSettings, seed: UInt64) {
        self.settings = settings
        estimator = ReinforceEstimator(sigma: Float(settings.sigma))
        generator = SplitMix64(seed: seed ^ 0x7A5C_0B1E_C7_1FE)
    }

    /// One reward and the gradients (to *minimise*) of `−weight · reward` for `parameters`.
    ///
    /// - Parameters:
    ///   - graphs: fresh prior samples (`settings.images` of them) to perturb and render.
    ///   - encoder: encodes `graphs` for `transformer` and decodes the sampled attributes.
    ///   - renderer: renders the sampled scenes with ground truth (for labels); its canvas is the
    ///     task network's input size.
    ///   - validation: the labelled target validation set the reward is scored on (its kind and
    ///     classes fix the task).
    ///   - network: epochs are ignored (one epoch per reward); batch size and learning rate used.
    /// - Returns: the reward (the task network's primary metric, 0–1) and the gradients.
    /// - Throws: rendering errors, or `InputError` when rendered labels do not fit the classes.
    public mutating func rewardGradients(graphs: [SceneGraph], encoder: SceneEncoder, transformer: DistributionTransformer,
                                         renderer: any Renderer, validation: TaskSet, network settings: TaskNetworkSettings,
                                         parameters: [Parameter]) throws -> (reward: Double, gradients: Gradients) {
        let batch = encoder.encode(graphs)
        let (x, mask, operators) = batch.tensors
        let mean = transformer(x, mask: mask, graph: operators)
        let sample = estimator.sample(mean: mean.data, mask: batch.mutableMask, using: &generator)
        var decoded = graphs
        encoder.decode(sample, into: &decoded)
        let data = try TaskSet(rendered: try renderer.render(decoded), kind: validation.kind, classes: validation.classes,
                               rendererClasses: renderer.classes, source: "task objective")
        let network = TaskNetwork(kind: validation.kind, canvas: renderer.canvas, classes: validation.classes, seed: generator.next(),
                                  width: settings.width)
        network.train(on: data, epochs: 1, batchSize: settings.batchSize, learningRate: Float(settings.learningRate), seed: generator.next())
        let reward = network.scores(on: validation)[network.primaryMetric] ?? 0
        let ascent = estimator.gradient(reward: Float(reward), sample: sample, mean: mean.data, mask: batch.mutableMask)
        let seed = Tensor(shape: mean.shape, data: ascent.map { -Float(self.settings.weight) * $0 })
        return (reward, Gradients(parameters, gradients(of: mean, seed: seed, wrt: parameters.map(\.value))))
    }
}

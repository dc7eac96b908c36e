import NN
import Tensor

/// Stage 3: the task objective. Attributes are sampled from `N(G_θ(X), σ²)` on the mutable
/// entries (no gradient path through the sample), a dataset is rendered from them, a task
/// network is trained on it from scratch and scored on the labelled target validation set;
/// the score is the reward, and REINFORCE turns it into a gradient for θ (see
/// `ReinforceEstimator`), weighted against MMD by `settings.weight`.
struct TaskObjective {
    let settings: TaskSettings
    var estimator: ReinforceEstimator
    var generator: SplitMix64

    init(settings: TaskSettings, seed: UInt64) {
        self.settings = settings
        estimator = ReinforceEstimator(sigma: Float(settings.sigma))
        generator = SplitMix64(seed: seed ^ 0x7A5C_0B1E_C7_1FE)
    }

    /// One reward and the gradients (to *minimise*) of `−weight · reward` for `parameters`.
    mutating func rewardGradients(trainer: MetaSimTrainer, validation: TaskSet,
                                  parameters: [Parameter]) throws -> (reward: Double, gradients: [Tensor]) {
        let graphs = try trainer.nextGraphs(settings.images)
        let batch = trainer.encoder.encode(graphs)
        let (x, mask, operators) = batch.tensors
        let mean = trainer.transformer(x, mask: mask, graph: operators)
        let sample = estimator.sample(mean: mean.data, mask: batch.mutableMask, using: &generator)
        var decoded = graphs
        trainer.encoder.decode(sample, into: &decoded)
        let data = try TaskSet(rendered: try trainer.renderer.render(decoded), kind: validation.kind, classes: validation.classes,
                               rendererClasses: trainer.renderer.classes, source: "task objective")
        let training = trainer.experiment.taskNetwork
        let network = TaskNetwork(kind: validation.kind, canvas: trainer.grammar.canvas, classes: validation.classes, seed: generator.next())
        network.train(on: data, epochs: 1, batchSize: training.batchSize, learningRate: Float(training.learningRate), seed: generator.next())
        let reward = network.scores(on: validation)[network.primaryMetric] ?? 0
        let ascent = estimator.gradient(reward: Float(reward), sample: sample, mean: mean.data, mask: batch.mutableMask)
        let seed = Tensor(shape: mean.shape, data: ascent.map { -Float(settings.weight) * $0 })
        return (reward, gradients(of: mean, seed: seed, wrt: parameters.map(\.value)))
    }
}

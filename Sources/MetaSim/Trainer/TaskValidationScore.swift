import NN
import Render
import Scene
import Tensor

/// A task network trained on rendered scenes and scored on the labelled target validation set:
/// the reward of the task objective (`TaskObjective`) and the score of task-scored start
/// searches (`StartSearchSettings.score`). Construction only holds what it is given; the work
/// is in `trained` and `score`.
struct TaskValidationScore {
    /// Renders the scenes with ground truth (for labels); its canvas is the network's input size.
    let renderer: any Renderer
    /// The labelled target validation set (its kind and classes fix the task).
    let validation: TaskSet
    /// Batch size, learning rate, schedule and width of the networks trained.
    let network: TaskNetworkSettings
    /// The validation score (`TaskNetwork.scores` or, for a soft score's name,
    /// `TaskNetwork.softScores`); nil: the network's primary metric.
    let metric: String?

    /// A network (from the weights `start`, else new with `seed`) trained for `epochs` on
    /// `graphs` rendered, minibatches shuffled by `seed`. A classifier learns only from the
    /// images that show an object (a move may carry a scene's every object off the canvas, and
    /// such an image has no class); with none left, the network is returned untrained.
    /// Throws rendering errors, or `InputError` when rendered labels do not fit the classes.
    func trained(_ graphs: [SceneGraph], from start: [String: Tensor]? = nil, epochs: Int, seed: UInt64, source: String) throws -> TaskNetwork {
        var rendered = try renderer.render(graphs)
        if validation.kind == .classification {
            rendered.removeAll { !$0.groundTruth.objects.contains { $0.visiblePixels > 0 } }
        }
        let task = TaskNetwork(kind: validation.kind, canvas: renderer.canvas, classes: validation.classes, seed: seed,
                               width: network.width)
        if let start { try task.network.load(start) }
        if rendered.isEmpty { return task }
        let data = try TaskSet(rendered: rendered, kind: validation.kind, classes: validation.classes,
                               rendererClasses: renderer.classes, source: source)
        task.train(on: data, epochs: epochs, batchSize: network.batchSize, learningRate: Float(network.learningRate), seed: seed,
                   options: network.training)
        return task
    }

    /// The score's name: `metric`, or the primary metric of the validation set's task.
    var metricName: String { metric ?? TaskNetwork.primaryMetric(validation.kind) }

    /// `metricName` of `task` on the validation set (0–1, higher is better; 0 when the network
    /// does not report it).
    func score(_ task: TaskNetwork) -> Double {
        let name = metricName
        let soft = TaskNetwork.softScoreNames(kind: task.kind, classes: task.classes).contains(name)
        let scores = soft ? task.softScores(on: validation) : task.scores(on: validation)
        return scores[name] ?? 0
    }
}

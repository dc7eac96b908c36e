import Scene

/// Upper bounds on an experiment's sizes and rates. Every size in an experiment (or a checkpoint
/// state) turns into an allocation or a loop count, so values far past any useful run are
/// refused up front with their field path instead of crashing the process with an allocation
/// failure, an overflow, or hours of work that cannot finish.
public enum ExperimentLimits {
    /// Hidden graph-convolution layers of the transformer (`transformer.hidden` length).
    public static let hiddenLayers = 64
    /// Width of one hidden layer (a 4096 × 4096 weight matrix is 64 MiB).
    public static let hiddenWidth = 4096
    /// Channels of a task network's first convolution (`task_network.width`; the deepest level
    /// has 4× as many).
    public static let taskNetworkWidth = 1024
    /// Columns per node of an encoded scene (classes + attributes) a checkpoint may declare.
    public static let encodedWidth = 65_536
    /// Graphs or images per optimisation step (`reconstruction.batch_size`,
    /// `matching.batch_size`, `task_network.batch_size`).
    public static let batchSize = 65_536
    /// Images rendered and held at once for one purpose (target images, validation and test
    /// sets, `task.images`, `task_network.train_images`, `mmd.bank_size`).
    public static let images = 1_000_000
    /// Bytes of 32-bit pixels one such set may take at the grammar's canvas (16 GiB).
    public static let imageBytes = 16 << 30
    /// Steps of one stage (`reconstruction.max_steps`, `matching.epochs × steps_per_epoch`).
    public static let steps = 100_000_000
    /// Rows of one MMD term (`mmd.max_samples`): its kernel matrices are this squared, in floats
    /// (16,384² · 4 B = 1 GiB).
    public static let mmdSamples = 16_384
    /// Adam learning rates: Adam's steps are about the learning rate in size and encoded
    /// attributes live in [0, 1], so rates above 1 only diverge.
    public static let learningRate = 1.0
    /// External renderer processes started at once (`renderer.workers`).
    public static let rendererWorkers = 256
    /// Trainings of each final task network (`task_network.repeats`).
    public static let taskRepeats = 16
}

extension Experiment {
    /// Settings past `ExperimentLimits`, as (field path, message); empty when all fit. Checked by
    /// `Experiment.load`, `ExperimentBuilder` and `MetaSimTrainer`.
    public var limitProblems: [(path: String, message: String)] {
        var problems: [(path: String, message: String)] = []
        func atMost(_ path: String, _ value: Int, _ limit: Int) {
            if value > limit { problems.append((path, "must be ≤ \(limit), got \(value)")) }
        }
        func rate(_ path: String, _ value: Double) {
            if !value.isFinite || value > ExperimentLimits.learningRate {
                problems.append((path, "must be a finite number ≤ \(ExperimentLimits.learningRate) (Adam), got \(value)"))
            }
        }
        atMost("transformer.hidden", transformer.hidden.count, ExperimentLimits.hiddenLayers)
        for (i, w) in transformer.hidden.enumerated() { atMost("transformer.hidden[\(i)]", w, ExperimentLimits.hiddenWidth) }
        atMost("mmd.bank_size", mmd.bankSize, ExperimentLimits.images)
        atMost("mmd.max_samples", mmd.maxSamples, ExperimentLimits.mmdSamples)
        atMost("reconstruction.max_steps", reconstruction.maxSteps, ExperimentLimits.steps)
        atMost("reconstruction.batch_size", reconstruction.batchSize, ExperimentLimits.batchSize)
        rate("reconstruction.learning_rate", reconstruction.learningRate)
        atMost("matching.batch_size", matching.batchSize, ExperimentLimits.batchSize)
        let epochs = max(0, matching.epochs), perEpoch = max(0, matching.stepsPerEpoch)
        if epochs > 0, perEpoch > ExperimentLimits.steps / epochs {
            problems.append(("matching", "epochs × steps_per_epoch must be ≤ \(ExperimentLimits.steps), got \(epochs) × \(perEpoch)"))
        }
        rate("matching.learning_rate", matching.learningRate)
        if let task { atMost("task.images", task.images, ExperimentLimits.images) }
        atMost("task_network.train_images", taskNetwork.trainImages, ExperimentLimits.images)
        atMost("task_network.batch_size", taskNetwork.batchSize, ExperimentLimits.batchSize)
        atMost("task_network.epochs", taskNetwork.epochs, ExperimentLimits.steps)
        atMost("task_network.repeats", taskNetwork.repeats, ExperimentLimits.taskRepeats)
        if let width = taskNetwork.width { atMost("task_network.width", width, ExperimentLimits.taskNetworkWidth) }
        rate("task_network.learning_rate", taskNetwork.learningRate)
        if let externalRenderer { atMost("renderer.workers", externalRenderer.workers, ExperimentLimits.rendererWorkers) }
        if case let .rendered(_, _, images, validation, test) = target {
            atMost("target.render.images", images, ExperimentLimits.images)
            atMost("target.render.validation", validation, ExperimentLimits.images)
            atMost("target.render.test", test, ExperimentLimits.images)
        }
        return problems
    }

    /// Task-network settings that do not fit `canvas`, as (field path, message): a
    /// `task_network.crop` larger than the canvas's shorter side.
    public func canvasProblems(canvas: Canvas) -> [(path: String, message: String)] {
        guard let crop = taskNetwork.training.crop, crop > min(canvas.width, canvas.height) else { return [] }
        return [("task_network.crop", "\(crop) px is larger than the \(canvas.width)x\(canvas.height) canvas")]
    }

    /// Image sets too large for memory at `canvas` (32-bit floats per pixel and channel), as
    /// (field path, message): each set must fit `ExperimentLimits.imageBytes`.
    public func memoryProblems(canvas: Canvas) -> [(path: String, message: String)] {
        let perImage = max(1, canvas.width) * max(1, canvas.height) * max(1, canvas.channels) * 4
        let most = ExperimentLimits.imageBytes / perImage
        var sets: [(String, Int)] = [("task_network.train_images", taskNetwork.trainImages),
                                     ("matching.batch_size", matching.batchSize)]
        for (i, search) in matching.startSearches.enumerated() {
            if let size = search.batchSize {
                sets.append((matching.startSearchPath(i) + ".batch_size", size))
            }
        }
        if let task { sets.append(("task.images", task.images)) }
        if case let .rendered(_, _, images, validation, test) = target {
            sets += [("target.render.images", images), ("target.render.validation", validation), ("target.render.test", test)]
        }
        return sets.filter { $0.1 > most }.map { path, count in
            (path, "\(count) images of \(canvas.width)x\(canvas.height)x\(canvas.channels) take more than \(ExperimentLimits.imageBytes >> 30) GiB; at most \(most) fit")
        }
    }
}

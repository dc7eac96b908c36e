import Assets
import Codecs
import Diagnostics
import Foundation
import Grammar
import NN
import Render
import Scene
import Tensor

/// Runs one Meta-Sim experiment: stage 1 (the transformer learns to reproduce the prior),
/// stage 2 (MMD distribution matching through the renderer, with the optional stage-3 task
/// reward mixed in), checkpoints, metrics and sample grids each epoch, and — when the target
/// has a labelled test set — the final comparison of task networks trained on prior and on
/// learned data.
///
/// The trainer works on typed parts only (`TrainerParts`: grammar, renderer, φ, target set)
/// and hands what it produces to a `RunSink`, so it can run wholly in memory. The settings used
/// are `experiment`'s seed, name, mmd, transformer, reconstruction, matching, task and
/// taskNetwork; its paths (grammar, target, features, renderer) are `ExperimentBuilder`'s
/// business.
public final class MetaSimTrainer {
    /// The settings of the run.
    public let experiment: Experiment
    /// The prior grammar (from the parts).
    public let grammar: Grammar
    /// G_θ, trained in place; seeded from the experiment's seed.
    public let transformer: DistributionTransformer
    /// Receives checkpoints, metrics, grids and results.
    public let sink: any RunSink
    let assets: AssetRegistry
    let renderer: any Renderer
    let encoder: SceneEncoder
    let differentiable: DifferentiableRenderer
    let features: any FeatureNetwork
    let crops: (windows: ObjectCrops, features: any FeatureNetwork)?
    let target: TargetSet
    let progress: any ProgressReporter
    let start = Date()
    /// Training seconds before this process (a resumed run).
    var elapsedBefore = 0.0
    /// The next generator sample index; every batch uses fresh samples of the prior.
    var sampleCursor = 0
    /// Matching steps taken.
    var step = 0
    /// Metrics records handed to the sink.
    var recordCount = 0
    /// How far training went: `nil` (nothing yet) or a checkpoint stage (`CheckpointState.stage`).
    var completedStage: String?
    /// Matching epochs done.
    var completedEpochs = 0
    /// Stage 3's objective (its random generator and baseline carry across steps).
    var task: TaskObjective?
    /// The encoding columns MMD²'s gradient moves (`matching.mmd_attributes`); nil: all.
    let mmdColumns: Set<Int>?
    /// The encoding columns the hold term keeps where stage 1 put them (`matching.hold_weight`;
    /// empty when it is off).
    let holdColumns: Set<Int>
    /// `referenceBatch()`, once drawn.
    var reference: EncodedBatch?
    /// The shifts stage 1 last re-centred the transformer on (`startShifts()`; empty: none),
    /// the hold term's target. Saved in checkpoints.
    var stageOneShifts: [Int: AttributeShift] = [:]
    /// The matching optimiser's state to continue from (set by `resume(from:)`).
    var resumedOptimizer: AdamState?
    /// The optimiser state of the last checkpoint saved (kept in the final, complete one too).
    var lastOptimizer: AdamState?

    /// A trainer for `experiment`'s settings on `parts`, reporting to `sink` and `progress`.
    /// Throws `InputError` (naming the grammar's file) when the grammar has no mutable
    /// attribute, or when the renderer's canvas or the target images (`[N, C, H, W]`) do not
    /// match the grammar's canvas; throws `InputErrors` for settings past `ExperimentLimits`.
    public init(experiment: Experiment, parts: TrainerParts, sink: any RunSink = MemorySink(),
                progress: any ProgressReporter = SilentProgress()) throws {
        let limits = experiment.limitProblems + experiment.memoryProblems(canvas: parts.grammar.canvas)
            + experiment.canvasProblems(canvas: parts.grammar.canvas)
        if !limits.isEmpty {
            throw InputErrors(limits.map { InputError(file: experiment.source, path: $0.path, message: $0.message) })
        }
        self.experiment = experiment
        self.sink = sink
        self.progress = progress
        grammar = parts.grammar
        try Self.checkLearnable(grammar)
        let canvas = grammar.canvas
        guard parts.renderer.canvas == canvas else {
            throw InputError(file: grammar.file, message: "the renderer's canvas \(parts.renderer.canvas.width)x\(parts.renderer.canvas.height)x\(parts.renderer.canvas.channels) differs from the grammar's \(canvas.width)x\(canvas.height)x\(canvas.channels)")
        }
        let shape = parts.target.images.shape
        guard shape.count == 4, shape[0] > 0, Array(shape[1...]) == [canvas.channels, canvas.height, canvas.width] else {
            throw InputError(file: grammar.file, message: "target images of shape \(shape) do not fit the grammar's canvas (expected [N, \(canvas.channels), \(canvas.height), \(canvas.width)], N ≥ 1)")
        }
        assets = parts.assets
        renderer = parts.renderer
        encoder = SceneEncoder(grammar.schema)
        differentiable = DifferentiableRenderer(renderer: renderer, encoder: encoder)
        features = parts.features
        crops = parts.crops
        if let crops = parts.crops {
            guard let truth = parts.target.groundTruth, truth.count == shape[0] else {
                throw InputError(file: experiment.source, path: "features.crops", message: "object crops need the target images' object boxes (a target rendered from a grammar)")
            }
            let count = min(experiment.mmd.bankSize, shape[0])
            if crops.windows.windows(Array(truth[0..<count]), width: canvas.width, height: canvas.height).count < 2 {
                throw InputError(file: experiment.source, path: "features.crops.classes",
                                 message: "the target's first \(count) images show fewer than 2 objects of \(crops.windows.classes.joined(separator: ", ")) to crop")
            }
        }
        transformer = DistributionTransformer(width: grammar.schema.width, classCount: grammar.schema.classes.count,
                                              hidden: experiment.transformer.hidden, seed: experiment.seed,
                                              ignoredClassColumns: try Self.ignoredClassColumns(experiment, grammar: grammar),
                                              residual: experiment.transformer.residual,
                                              blindSpread: Float(experiment.transformer.blindSpread))
        target = parts.target
        let (settings, prior) = (self.experiment, self.grammar)
        let taskColumns = try settings.task?.attributes.map {
            try MetaSimTrainer.mutableColumns($0, path: "task.attributes", experiment: settings, grammar: prior)
        }
        task = settings.task.map { TaskObjective(settings: $0, seed: settings.seed, columns: taskColumns) }
        mmdColumns = try settings.matching.mmdAttributes.map {
            try MetaSimTrainer.mutableColumns($0, path: "matching.mmd_attributes", experiment: settings, grammar: prior)
        }
        holdColumns = try Self.holdColumns(settings, grammar: prior, mmdColumns: mmdColumns, taskColumns: taskColumns)
    }

    /// The columns `matching.hold_weight` holds: the mutable attributes outside
    /// `matching.mmd_attributes` and `task.attributes` (`taskColumns`; nil: all when there is a
    /// task objective) — empty when the weight is 0. Throws
    /// `InputError` at `matching.hold_weight` when the weight is set but nothing is left to hold.
    static func holdColumns(_ experiment: Experiment, grammar: Grammar, mmdColumns: Set<Int>?, taskColumns: Set<Int>?) throws -> Set<Int> {
        guard experiment.matching.holdWeight > 0 else { return [] }
        let all = try mutableColumns(grammar.mutableAttributeNames, path: "grammar", experiment: experiment, grammar: grammar)
        let moved = (mmdColumns ?? all).union(taskColumns ?? (experiment.task == nil ? [] : all))
        let held = all.subtracting(moved)
        guard !held.isEmpty else {
            throw InputError(file: experiment.source, path: "matching.hold_weight",
                             message: "nothing to hold: every mutable attribute is moved by MMD² (matching.mmd_attributes) or the task objective (task.attributes)")
        }
        return held
    }

    /// The columns of `transformer.ignore_classes` and `transformer.ignore_attributes` in
    /// `grammar`'s encoding. Throws `InputError` at `transformer.ignore_classes[i]` for a class
    /// the grammar does not have, at `transformer.ignore_attributes[i]` for a name that is not a
    /// mutable attribute of it.
    static func ignoredClassColumns(_ experiment: Experiment, grammar: Grammar) throws -> Set<Int> {
        var columns = try mutableColumns(experiment.transformer.ignoreAttributes, path: "transformer.ignore_attributes",
                                         experiment: experiment, grammar: grammar)
        for (i, name) in experiment.transformer.ignoreClasses.enumerated() {
            guard let column = grammar.schema.classes.firstIndex(of: name) else {
                throw InputError(file: experiment.source, path: "transformer.ignore_classes[\(i)]",
                                 message: "'\(name)' is not a class of the grammar (classes: \(grammar.schema.classes.joined(separator: ", ")))")
            }
            columns.insert(column)
        }
        return columns
    }

    /// The encoding columns of mutable attributes `names`, listed at `path` of the experiment.
    /// Throws `InputError` at `path[i]` for a name that is not a mutable attribute of `grammar`.
    static func mutableColumns(_ names: [String], path: String, experiment: Experiment, grammar: Grammar) throws -> Set<Int> {
        var columns = Set<Int>()
        for (i, name) in names.enumerated() {
            guard grammar.mutableAttributeNames.contains(name), let column = grammar.schema.column(ofAttribute: name) else {
                throw InputError(file: experiment.source, path: "\(path)[\(i)]",
                                 message: "'\(name)' is not a mutable attribute of the grammar (mutable: \(grammar.mutableAttributeNames.joined(separator: ", ")))")
            }
            columns.insert(column)
        }
        return columns
    }

    /// Throws `InputError` naming the grammar's file when it has no mutable attribute.
    public static func checkLearnable(_ grammar: Grammar) throws {
        guard !grammar.mutableAttributeNames.isEmpty else {
            throw InputError(file: grammar.file, message: "no attribute is mutable: there is nothing for Meta-Sim to learn (mark some `mutable: true`)")
        }
    }

    var seconds: Double { elapsedBefore + Date().timeIntervalSince(start) }

    /// Hands one metrics record to the sink and counts it.
    func record(_ metrics: [String: Any]) throws {
        try sink.record(metrics)
        recordCount += 1
    }

    /// Means of the grammar's mutable attributes over `graphs` (see `attributeMeans`).
    func attributeMeans(of graphs: [SceneGraph], onlyMutableNodes: Bool = true) -> [String: Double] {
        MetaSim.attributeMeans(graphs, schema: grammar.schema, names: Set(grammar.mutableAttributeNames),
                               onlyMutableNodes: onlyMutableNodes)
    }

    /// Quantiles of the grammar's mutable attributes over `graphs` (see `attributeQuantiles`).
    func attributeQuantiles(of graphs: [SceneGraph], onlyMutableNodes: Bool = true) -> [String: [Double]] {
        MetaSim.attributeQuantiles(graphs, schema: grammar.schema, names: Set(grammar.mutableAttributeNames),
                                   onlyMutableNodes: onlyMutableNodes)
    }

    /// The next `count` prior samples.
    func nextGraphs(_ count: Int) throws -> [SceneGraph] {
        defer { sampleCursor += count }
        return try grammar.sample(seed: experiment.seed, range: sampleCursor..<(sampleCursor + count), assets: assets)
    }

    func state(stage: String, epoch: Int) -> CheckpointState {
        var state = CheckpointState(grammar: grammar.file, schema: grammar.schema, hidden: experiment.transformer.hidden,
                                    seed: experiment.seed, stage: stage, epoch: epoch, step: step, sampleCursor: sampleCursor)
        if !transformer.ignoredClassColumns.isEmpty { state.ignoredClassColumns = transformer.ignoredClassColumns.sorted() }
        if transformer.residual { state.residual = true }
        if transformer.blindSpread > 0 { state.blindSpread = Double(transformer.blindSpread) }
        state.complete = false  // `run()` sets it in the last state it saves
        state.metricsRecords = recordCount
        state.seconds = seconds
        state.settings = experiment.trainingFingerprint
        if !stageOneShifts.isEmpty { state.stageOneShifts = stageOneShifts }
        if let task {
            state.taskRandomState = String(task.generator.state, radix: 16)
            state.taskBaselineBits = task.estimator.baseline?.bitPattern
        }
        return state
    }

    /// Saves a checkpoint of the current weights (and `optimizer`) at `stage`, `epoch`, after
    /// checking that training has not diverged (every weight finite), and records how far
    /// training went. Throws `InputError` at `setting` (the learning rate to lower) otherwise.
    func saveCheckpoint(stage: String, epoch: Int, optimizer: Adam?, setting: String) throws {
        let weights = transformer.state
        for (name, value) in weights where value.data.contains(where: { !$0.isFinite }) {
            throw diverged(setting: setting, what: "weight \(name) is not finite")
        }
        lastOptimizer = optimizer?.savedState
        try sink.saveCheckpoint(TrainingCheckpoint(state: state(stage: stage, epoch: epoch), weights: weights,
                                                   optimizer: lastOptimizer),
                                epoch: stage == "matching" ? epoch : nil)
        completedStage = stage
        if stage == "matching" { completedEpochs = epoch }
    }

    /// Throws `diverged` when a gradient holds a value that is not finite: such a step would
    /// make every later weight NaN.
    func requireFinite(_ gradients: [Tensor], setting: String, what: String) throws {
        if gradients.contains(where: { $0.data.contains { !$0.isFinite } }) {
            throw diverged(setting: setting, what: what + " is not finite")
        }
    }

    /// The error for a training that went non-finite: it names the learning rate to lower.
    func diverged(setting: String, what: String) -> InputError {
        InputError(file: experiment.source, path: setting,
                   message: "training diverged (\(what)) at step \(step) after \(recordCount) metrics records; nothing from this point was saved (the run's last checkpoint is kept): lower the learning rate")
    }

    // MARK: Stage 1

    /// Trains the transformer to reproduce its input until the attribute reconstruction error
    /// falls below the threshold (or the step budget ends). With `shifts` (column → normalised
    /// shift), it reproduces the input with those attributes moved. Saves a checkpoint at the
    /// end unless `checkpoint` is false (a start refinement's trial). Returns the last error.
    @discardableResult
    public func reconstruct(shifts: [Int: AttributeShift] = [:], checkpoint: Bool = true) throws -> Double {
        let settings = experiment.reconstruction
        let optimizer = Adam(transformer.trainableParameters, learningRate: Float(settings.learningRate))
        let progress = self.progress.start(shifts.isEmpty ? "stage 1: reconstruction" : "stage 1: reconstruction, shifted",
                                           total: settings.maxSteps)
        var last = Double.infinity
        let blind = try blindTargets(shifts)
        for i in 0..<settings.maxSteps {
            let batch = encoder.encode(try nextGraphs(settings.batchSize))
            let (attributes, classes) = transformer.reconstructionLosses(batch, shifts: shifts, blind: blind)
            last = Double(attributes.scalar)
            guard last.isFinite, classes.scalar.isFinite else {
                throw diverged(setting: "reconstruction.learning_rate", what: "stage 1 loss \(last) at reconstruction step \(i)")
            }
            try record(["stage": "reconstruction", "step": i, "attribute_mse": last, "class_ce": Double(classes.scalar), "seconds": seconds])
            progress.advance(status: String(format: "mse %.2e", last))
            // Stop before stepping: Adam's steps stay about the learning rate in size however
            // small the loss, so a step taken now could undo the fit.
            if last < settings.threshold { break }
            let gradients = transformer.gradients(of: attributes + 0.1 * classes)
            try requireFinite(gradients, setting: "reconstruction.learning_rate", what: "a stage 1 gradient at reconstruction step \(i)")
            optimizer.step(gradients)
        }
        progress.finish(status: String(format: "mse %.2e (threshold %.0e)", last, settings.threshold))
        if settings.maxSteps > 0 && !(last < settings.threshold) {
            // Not an error (matching can still work from here), but the transformer does not yet
            // reproduce the prior: say so where a person looks.
            let warning = String(format: "stage 1 stopped after %d steps at reconstruction error %.2e, above the threshold %.0e: the generator does not start exactly at the prior (more reconstruction.max_steps, or attribute ranges closer to the values, help)", settings.maxSteps, last, settings.threshold)
            self.progress.warn(warning)
            try record(["stage": "reconstruction", "warning": warning, "seconds": seconds])
        }
        if checkpoint {
            try saveCheckpoint(stage: shifts.isEmpty ? "reconstruction" : "reconstruction_shifted", epoch: 0, optimizer: nil,
                               setting: "reconstruction.learning_rate")
        }
        return last
    }

    /// Prior samples from a stream of their own (seed `experiment.seed + 0x5EF`), encoded:
    /// the population the start searches centre their cells on and blind attributes' targets
    /// are averaged over (`referenceCount` graphs; drawn once, when first needed).
    func referenceBatch() throws -> EncodedBatch {
        if let reference { return reference }
        let batch = encoder.encode(try grammar.sample(seed: experiment.seed &+ 0x5EF, range: 0..<Self.referenceCount, assets: assets))
        reference = batch
        return batch
    }

    /// Graphs in `referenceBatch`: the standard error of a mean over them is 1/√512 ≈ 4 % of
    /// the attribute's spread.
    static let referenceCount = 512

    /// Stage 1's targets of the attributes the transformer is blind to
    /// (`transformer.ignore_attributes`) with `shifts` applied; nil when it sees every attribute.
    func blindTargets(_ shifts: [Int: AttributeShift]) throws -> BlindAttributeTargets? {
        let classCount = grammar.schema.classes.count
        let columns = transformer.ignoredClassColumns.filter { $0 >= classCount }
        guard !columns.isEmpty else { return nil }
        return BlindAttributeTargets(reference: try referenceBatch(), columns: columns, shifts: shifts, classCount: classCount,
                                     wraps: { grammar.schema.attributes[$0 - classCount].range.wrap }, spread: transformer.blindSpread)
    }

    /// MMD² against the target feature banks (φ's terms of the first `mmd.bank_size` target
    /// images), computed once.
    lazy var mmd: FeatureMMD = bankMMD(MatchingFeatures(features: features, crops: crops))

    /// `mmd` without the crop terms (φ's whole-image terms alone; `mmd` itself when there are
    /// none), for start searches with `image_terms_only`.
    lazy var imageTermsMMD: FeatureMMD = crops == nil ? mmd : bankMMD(MatchingFeatures(features: features))

    /// The MMD² a start search scores by: `mmd`, without the crop terms with
    /// `imageTermsOnly`, and with φ's mirror-difference term (`MirrorTerm`) with `mirrorTerm`.
    func searchMMD(imageTermsOnly: Bool, mirrorTerm: Bool) -> FeatureMMD {
        switch (imageTermsOnly || crops == nil, mirrorTerm) {
        case (true, false): return imageTermsMMD
        case (false, false): return mmd
        case (true, true): return mirrorTermImageTermsMMD
        case (false, true): return mirrorTermMMD
        }
    }

    /// `mmd` with φ's mirror-difference term (`MirrorTerm`) after φ's terms.
    lazy var mirrorTermMMD: FeatureMMD = bankMMD(MatchingFeatures(features: MirrorTerm(features), crops: crops))

    /// `imageTermsMMD` with φ's mirror-difference term.
    lazy var mirrorTermImageTermsMMD: FeatureMMD = bankMMD(MatchingFeatures(features: MirrorTerm(features)))

    /// MMD² of `terms` against their bank of the first `mmd.bank_size` target images.
    private func bankMMD(_ terms: MatchingFeatures) -> FeatureMMD {
        let count = min(experiment.mmd.bankSize, target.images.shape[0])
        return FeatureMMD(features: terms,
                          targetImages: target.images.slice(axis: 0, 0..<count),
                          targetGroundTruth: target.groundTruth.map { Array($0[0..<count]) },
                          scales: experiment.mmd.scales, unbiased: experiment.mmd.unbiased,
                          maxSamples: experiment.mmd.maxSamples)
    }

    // MARK: Stage 2 (+3)

    /// Distribution matching for the experiment's epochs (those after `completedEpochs`, when
    /// resumed), with the task objective mixed in when the experiment enables it. Checkpoints,
    /// a sample grid and a metrics line per epoch. Throws `InputError` at
    /// `matching.learning_rate` when training diverges (a non-finite MMD or weight).
    public func match() throws {
        let settings = experiment.matching
        let parameters = matchingParameters
        let optimizer = Adam(parameters, learningRate: Float(settings.learningRate))
        if let resumedOptimizer {
            try optimizer.restore(resumedOptimizer, source: "checkpoint")
            self.resumedOptimizer = nil
        }
        let matching = try distributionMatching(shifts: stageOneShifts, mmdWeight: Float(settings.mmdWeight))
        try writeGrid(name: "target", images: target.images)
        for epoch in stride(from: completedEpochs + 1, through: settings.epochs, by: 1) {
            optimizer.learningRate = Float(settings.learningRate * pow(settings.learningRateDecay, Double(epoch - 1)))
            let progress = self.progress.start("stage 2: matching, epoch \(epoch)/\(settings.epochs)", total: settings.stepsPerEpoch)
            var lastMMD = 0.0, lastReward: Double?
            for _ in 0..<settings.stepsPerEpoch {
                let result = try matching.step(try nextGraphs(settings.batchSize), parameters: parameters)
                var grads = result.gradients
                let value = result.mmd
                guard value.isFinite else { throw diverged(setting: "matching.learning_rate", what: "MMD \(value)") }
                var record: [String: Any] = ["stage": "matching", "epoch": epoch, "step": step, "mmd": value, "seconds": seconds,
                                             "attributes": attributeMeans(of: result.graphs)]
                if let held = result.holdMSE { record["hold_mse"] = held }
                if var objective = task, step % objective.settings.every == 0, let validation = target.validation {
                    let (reward, taskGrads) = try objective.rewardGradients(
                        graphs: try nextGraphs(objective.settings.images), encoder: encoder, transformer: transformer,
                        renderer: renderer, validation: validation, network: experiment.taskNetwork, parameters: parameters)
                    grads = grads + taskGrads
                    record["task_reward"] = reward
                    lastReward = reward
                    task = objective
                }
                try requireFinite(grads.ordered(for: parameters), setting: "matching.learning_rate", what: "a matching gradient")
                optimizer.step(grads)
                try self.record(record)
                lastMMD = value
                step += 1
                progress.advance(status: String(format: "mmd %.4f", value))
            }
            let sample = try generate(count: 64, seed: experiment.seed &+ 77, start: 0)
            try writeGrid(name: String(format: "epoch-%03d", epoch), images: tensor(sample.map(\.rendered.image)))
            let means = attributeMeans(of: sample.map(\.graph))
            try recordHistograms(epoch: epoch, learned: sample.map(\.graph), seed: experiment.seed &+ 77)
            let reward = lastReward.map { String(format: ", task reward %.3f", $0) } ?? ""
            progress.finish(status: String(format: "mmd %.4f%@, ", lastMMD, reward)
                + means.sorted { $0.key < $1.key }.map { String(format: "%@ %.1f", $0.key, $0.value) }.joined(separator: ", "))
            try saveCheckpoint(stage: "matching", epoch: epoch, optimizer: optimizer, setting: "matching.learning_rate")
        }
    }

    /// One matching step's computation on the current transformer, with the hold term (when
    /// `matching.hold_weight` is set) aimed at stage 1 re-centred on `shifts`.
    func distributionMatching(shifts: [Int: AttributeShift], mmdWeight: Float = 1) throws -> DistributionMatching {
        let weight = experiment.matching.holdWeight
        let hold = weight > 0 ? AttributeHold(columns: AttributeColumnMask(columns: holdColumns), weight: Float(weight), shifts: shifts,
                                              blind: try blindTargets(shifts), classCount: grammar.schema.classes.count) : nil
        return DistributionMatching(transformer: transformer, renderer: differentiable, mmd: mmd, mmdColumns: mmdColumns,
                                    mmdWeight: mmdWeight, hold: hold)
    }

    /// The parameters stage 2 trains: all of the transformer's, less its encoder's with
    /// `reconstruction.freeze_encoder`.
    var matchingParameters: [Parameter] {
        let parameters = transformer.trainableParameters
        guard experiment.reconstruction.freezeEncoder else { return parameters }
        let frozen = Set(transformer.encoderLayers.flatMap(\.namedParameters).map { ObjectIdentifier($0.parameter) })
        return parameters.filter { !frozen.contains(ObjectIdentifier($0)) }
    }

    /// `count` prior samples from `seed` (indices `start…`) passed through the transformer
    /// (no gradients) and rendered.
    public func generate(count: Int, seed: UInt64, start: Int) throws -> [(graph: SceneGraph, rendered: RenderedImage)] {
        try generator.generate(count: count, seed: seed, start: start, learned: true)
    }

    /// The prior grammar with the (current) learned transformer and the run's renderer.
    var generator: Generator {
        Generator(grammar: grammar, assets: assets, transformer: transformer, renderer: renderer)
    }

    func writeGrid(name: String, images: Tensor) throws {
        let canvas = grammar.canvas
        let n = min(64, images.shape[0])
        let plane = canvas.width * canvas.height * canvas.channels
        let pixels = channelsLast(Array(images.data[0..<(n * plane)]), count: n, canvas: canvas)
        let list = (0..<n).map { Image(width: canvas.width, height: canvas.height, channels: canvas.channels,
                                       pixels: Array(pixels[($0 * plane)..<(($0 + 1) * plane)])) }
        try sink.writeGrid(name: name, images: list)
    }
}

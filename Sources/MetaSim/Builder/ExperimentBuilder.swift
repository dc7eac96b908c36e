import Assets
import Codecs
import Diagnostics
import Foundation
import Grammar
import Render
import Scene

/// Turns an `Experiment` (settings and paths) into typed `TrainerParts` and a trainer: loads the
/// prior grammar, builds the renderer (the built-in compositor, or the external engine of
/// `externalRenderer` over the bridge), loads φ's weights (`METASIM_EFFICIENTNET` in
/// `environment`, else the bundled copy) and loads or renders the target. The one place where
/// an experiment meets files, the environment and other processes.
public struct ExperimentBuilder {
    /// The settings and paths to build from.
    public var experiment: Experiment
    /// Environment variables consulted (`METASIM_EFFICIENTNET`); the process's by default.
    public var environment: [String: String]
    /// Reports rendering the target.
    public var progress: any ProgressReporter

    /// A builder for `experiment`; nothing is read or checked until `validate()` or a build method runs.
    public init(_ experiment: Experiment, environment: [String: String] = ProcessInfo.processInfo.environment,
                progress: any ProgressReporter = SilentProgress()) {
        self.experiment = experiment
        self.environment = environment
        self.progress = progress
    }

    /// Throws `InputErrors` for settings that contradict each other (`crossCheckProblems`), sizes
    /// past `ExperimentLimits` (`limitProblems`), or an external renderer program that cannot be
    /// started (`ExternalRendererSettings.programProblem`).
    public func validate() throws {
        var problems = experiment.crossCheckProblems + experiment.limitProblems
        if let command = experiment.externalRenderer?.command,
           let problem = ExternalRendererSettings.programProblem(command, environment: environment) {
            problems.append(("renderer.command", problem))
        }
        if !problems.isEmpty { throw InputErrors(problems.map { InputError(file: experiment.source, path: $0.path, message: $0.message) }) }
    }

    /// The prior grammar. Throws the grammar reader's errors.
    public func grammar() throws -> Grammar {
        try Grammar.load(path: experiment.grammar)
    }

    /// The renderer of `grammar`'s scenes: the external engine when the experiment names one
    /// (`renderer.workers` copies of it in a `ProcessRendererPool` when more than one, each with
    /// its bridge files in its own fresh temporary folder), else the grammar's built-in renderer.
    public func renderer(for grammar: Grammar, assets: AssetRegistry) throws -> any Renderer {
        guard let external = experiment.externalRenderer else { return try grammar.makeRenderer(assets: assets) }
        return try external.makeRenderer(canvas: grammar.canvas, classes: grammar.schema.classes)
    }

    /// φ: EfficientNet-Lite0 with the experiment's stages.
    public func featureNetwork() throws -> FeatureExtractor {
        FeatureExtractor(network: try bundledFeatureNetwork(near: experiment.file.isEmpty ? nil : experiment.file, environment: environment),
                         selections: experiment.features.stages.compactMap(FeatureExtractor.Selection.init(name:)),
                         separateBandwidths: experiment.features.separateBandwidths)
    }

    /// The experiment's object crops and φ of a crop (on `phi`'s network), nil without
    /// `features.crops`. Throws `InputError` at `features.crops.size` when a crop does not fit
    /// `canvas`.
    public func crops(phi: FeatureExtractor, canvas: Canvas) throws -> (windows: ObjectCrops, features: any FeatureNetwork)? {
        guard let settings = experiment.features.crops else { return nil }
        guard settings.size <= min(canvas.width, canvas.height) else {
            throw InputError(file: experiment.source, path: "features.crops.size",
                             message: "a \(settings.size) px crop does not fit the \(canvas.width)x\(canvas.height) canvas")
        }
        return (ObjectCrops(classes: settings.classes, size: settings.size, anchor: settings.anchor, extent: settings.extent.map(Float.init)),
                FeatureExtractor(network: phi.network, selections: settings.stages.compactMap(FeatureExtractor.Selection.init(name:))))
    }

    /// The target data at `canvas`: read from the experiment's folders, or rendered from its
    /// target grammar (which must have the same canvas: else an `InputError` at
    /// `target.render.grammar`).
    public func target(canvas: Canvas) throws -> TargetSet {
        switch experiment.target {
        case let .folders(images, validation, test):
            return try TargetSet.load(images: images, validation: validation, test: test, canvas: canvas,
                                      kind: experiment.taskNetwork.kind, classes: experiment.taskNetwork.classes)
        case let .rendered(path, seed, images, validation, test):
            let grammar = try Grammar.load(path: path)
            try grammar.checkRenderable()
            guard grammar.canvas == canvas else {
                throw InputError(file: experiment.source, path: "target.render.grammar",
                                 message: "target canvas \(grammar.canvas.width)x\(grammar.canvas.height)x\(grammar.canvas.channels) differs from the generator's \(canvas.width)x\(canvas.height)x\(canvas.channels)")
            }
            return try TargetSet.render(grammar: grammar, seed: seed, images: images, validation: validation, test: test,
                                        kind: experiment.taskNetwork.kind, classes: experiment.taskNetwork.classes, progress: progress)
        }
    }

    /// Throws `InputError` at `task_network.paired_oracle` unless `target` was rendered from a
    /// grammar that differs from `prior` only in how mutable attributes are drawn (naming the
    /// first difference), which pairing the oracle's scenes with the prior's needs.
    func checkPairable(prior: Grammar, target: TargetSet) throws {
        guard let source = target.grammar else {
            throw InputError(file: experiment.source, path: "task_network.paired_oracle",
                             message: "pairs the oracle's scenes with the prior's: it needs a target rendered from a grammar (target.render), not folders")
        }
        if let difference = source.grammar.differenceOutsideMutableDraws(from: prior) {
            let at = difference.path.isEmpty ? "" : " at \(difference.path)"
            throw InputError(file: experiment.source, path: "task_network.paired_oracle",
                             message: "the target grammar '\(source.grammar.file)' differs from the prior grammar other than in how mutable attributes are drawn (\(difference.message)\(at)), so the oracle cannot share the prior's scene structures")
        }
    }

    /// Every part, checked: settings, grammar, renderer, φ's weights, target (in that order).
    public func parts() throws -> TrainerParts {
        try validate()
        let grammar = try grammar()
        try MetaSimTrainer.checkLearnable(grammar)
        _ = try MetaSimTrainer.ignoredClassColumns(experiment, grammar: grammar)
        if let problem = MetaSimTrainer.startSearchProblem(experiment.matching, grammar: grammar) {
            throw InputError(file: experiment.source, path: problem.path, message: problem.message)
        }
        let memory = experiment.memoryProblems(canvas: grammar.canvas) + experiment.canvasProblems(canvas: grammar.canvas)
        if !memory.isEmpty { throw InputErrors(memory.map { InputError(file: experiment.source, path: $0.path, message: $0.message) }) }
        if experiment.taskNetwork.kind == .detection, grammar.canvas.width % 16 != 0 || grammar.canvas.height % 16 != 0 {
            throw InputError(file: experiment.source, path: "task_network.kind",
                             message: "the detector needs a canvas whose sides are multiples of 16, the grammar's is \(grammar.canvas.width)x\(grammar.canvas.height)")
        }
        let assets = grammar.assetRegistry()
        if experiment.externalRenderer == nil { try grammar.checkRenderable(assets: assets) }
        let renderer = try renderer(for: grammar, assets: assets)
        let features = try featureNetwork()
        var parts = TrainerParts(grammar: grammar, assets: assets, renderer: renderer, features: features,
                                 target: try target(canvas: grammar.canvas))
        if experiment.taskNetwork.pairedOracle { try checkPairable(prior: grammar, target: parts.target) }
        parts.crops = try crops(phi: features, canvas: grammar.canvas)
        return parts
    }

    /// A trainer on `parts()` writing the new (missing or empty) run folder `runDirectory`, with
    /// progress bars on standard error unless `quiet` (see `prepareRun` for reusing a folder).
    public func makeTrainer(runDirectory: String, quiet: Bool) throws -> MetaSimTrainer {
        try prepareRun(runDirectory: runDirectory, mode: .new, quiet: quiet).trainer
    }

    /// What `metasim train` and `demo` run: a trainer on `parts()` writing `runDirectory` under
    /// `mode`'s rules (`RunFolderStart`: `.new` refuses a folder holding anything, `.overwrite`
    /// moves the old run aside, `.resume` continues from the newest whole checkpoint), with
    /// progress bars on standard error unless `quiet`. Every input, the folder and (resuming)
    /// the checkpoint's fit to this experiment are checked before the folder is touched; throws
    /// their `InputError`s. Call `folder.finish()` once `trainer.run()` returned.
    public func prepareRun(runDirectory: String, mode: RunFolderMode, quiet: Bool) throws
        -> (trainer: MetaSimTrainer, folder: RunFolderStart) {
        var start = try RunFolderStart(path: runDirectory, mode: mode)
        var builder = self
        builder.progress = TerminalProgress(quiet: quiet)
        let parts = try builder.parts()
        let source = start.folder.latest + ".json"
        if let checkpoint = start.checkpoint {
            try MetaSimTrainer.checkResumable(checkpoint, experiment: experiment, grammar: parts.grammar, source: source)
        }
        let trainer = try MetaSimTrainer(experiment: experiment, parts: parts, sink: try start.makeSink(),
                                         progress: builder.progress)
        if let checkpoint = start.checkpoint { try trainer.resume(from: checkpoint, source: source) }
        return (trainer, start)
    }
}

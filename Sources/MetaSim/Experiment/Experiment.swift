import Foundation

/// Everything one Meta-Sim training run needs, as plain values. Build one in code
/// (`Experiment(grammar: "prior.yaml", target: .folders(images: "target"))`, then change any
/// setting) or read one from a file with `Experiment.load(path:)`, which starts from these same
/// defaults and overrides what the file sets. `ExperimentBuilder` turns the paths into typed
/// trainer parts. See `experiments/README.md` for every setting and its default.
public struct Experiment: Sendable, Equatable {
    /// The experiment file it was read from; "" when built in code. Names the source in errors
    /// and anchors the search for bundled data.
    public var file: String
    /// What errors about its settings name as their file: `file`, or "experiment" when built in code.
    public var source: String { file.isEmpty ? "experiment" : file }
    /// Label of the run, copied into its results (file name without extension when read from a file).
    public var name: String
    /// Seeds the generator's samples and the networks' initial weights.
    public var seed: UInt64
    /// Path of the prior grammar the generator samples from.
    public var grammar: String
    /// Where the target images come from.
    public var target: TargetData
    /// Which network outputs form the feature vectors φ that MMD compares.
    public var features: FeatureSettings
    /// Kernel and target-bank settings of the MMD objective.
    public var mmd: MMDSettings
    /// Layer widths of the distribution transformer G_θ.
    public var transformer: TransformerSettings
    /// Stage 1 (learning to reproduce the prior).
    public var reconstruction: ReconstructionSettings
    /// Stage 2 (distribution matching).
    public var matching: MatchingSettings
    /// Stage 3; nil when off (the file has no `task` section or it is disabled).
    public var task: TaskSettings?
    /// The task network used for stage 3's rewards and for the final scores.
    public var taskNetwork: TaskNetworkSettings
    /// An external render engine for the generator's scenes (nil: the built-in compositor).
    public var externalRenderer: ExternalRendererSettings?

    /// An experiment with every setting at its default except those given; paths are not checked
    /// here (`ExperimentBuilder.validate()` and the builder check them).
    public init(grammar: String, target: TargetData, name: String = "experiment", seed: UInt64 = 1, file: String = "",
                features: FeatureSettings = FeatureSettings(), mmd: MMDSettings = MMDSettings(),
                transformer: TransformerSettings = TransformerSettings(),
                reconstruction: ReconstructionSettings = ReconstructionSettings(),
                matching: MatchingSettings = MatchingSettings(), task: TaskSettings? = nil,
                taskNetwork: TaskNetworkSettings = TaskNetworkSettings(),
                externalRenderer: ExternalRendererSettings? = nil) {
        self.file = file
        self.name = name
        self.seed = seed
        self.grammar = grammar
        self.target = target
        self.features = features
        self.mmd = mmd
        self.transformer = transformer
        self.reconstruction = reconstruction
        self.matching = matching
        self.task = task
        self.taskNetwork = taskNetwork
        self.externalRenderer = externalRenderer
    }

    /// Problems between settings that are each valid alone, as (field path, message): the task
    /// objective and task-scored start searches need labelled validation images (and a known
    /// `task.metric` / `task_metric`), box- and shading-scored ones detection validation
    /// images, matching with `mmd_weight: 0` a task objective, and segmentation its class list.
    /// `Experiment.load` reports them with the file's other problems; `ExperimentBuilder`
    /// throws them for experiments built in code.
    public var crossCheckProblems: [(path: String, message: String)] {
        var problems: [(path: String, message: String)] = []
        if task != nil, !target.hasValidation {
            problems.append(("task", "the task objective needs labelled target validation images (target.validation)"))
        }
        if matching.mmdWeight == 0, task == nil, matching.epochs > 0 {
            problems.append(("matching.mmd_weight", "0 without a task objective: matching would learn nothing (add a `task` section, or set epochs: 0)"))
        }
        if let metric = task?.metric, !taskNetwork.scoreNames.contains(metric) {
            problems.append(("task.metric", "unknown score '\(metric)': one of \(taskNetwork.scoreNames.joined(separator: ", "))"))
        }
        for (i, search) in matching.startSearches.enumerated() where search.score.usesBoxes {
            if !target.hasValidation || taskNetwork.kind != .detection {
                problems.append(("\(matching.startSearchPath(i)).score",
                                 "a search with `score: \(search.score.rawValue)` needs labelled target validation images with boxes (target.validation, task_network.kind: detection)"))
            }
        }
        for (i, search) in matching.startSearches.enumerated() where search.score == .task {
            let path = matching.startSearchPath(i)
            if !target.hasValidation {
                problems.append(("\(path).score", "a task-scored search needs labelled target validation images (target.validation)"))
            }
            if let metric = search.taskMetric, !taskNetwork.scoreNames.contains(metric) {
                problems.append(("\(path).task_metric", "unknown score '\(metric)': one of \(taskNetwork.scoreNames.joined(separator: ", "))"))
            }
        }
        if features.crops != nil, case .folders = target {
            problems.append(("features.crops", "object crops need the target images' object boxes: a target rendered from a grammar (a `render` section)"))
        }
        if taskNetwork.kind == .segmentation, (taskNetwork.classes?.count ?? 0) < 2 {
            problems.append(("task_network.classes", "segmentation needs its class list (at least two, background first): mask values index it"))
        }
        return problems
    }
}

/// Where the target images come from.
public enum TargetData: Sendable, Equatable {
    /// Folders given by the user: unlabelled images for matching; optional labelled validation
    /// and test folders (classification: ImageFolder layout; segmentation: `images/` + `masks/`,
    /// see `SegmentationFolderReader`; detection: KITTI's `image_2/` + `label_2/` or COCO's
    /// `annotations.json`, see `DetectionFolderReader`).
    case folders(images: String, validation: String? = nil, test: String? = nil)
    /// Rendered from a target grammar (the bundled experiments): `images` unlabelled images for
    /// matching, `validation` and `test` labelled ones, from seeds distinct from the generator's.
    case rendered(grammar: String, seed: UInt64 = 1_000_003, images: Int = 200, validation: Int = 0, test: Int = 0)

    /// Whether there are labelled validation images (a folder, or a rendered count above 0).
    var hasValidation: Bool {
        switch self {
        case .folders(_, nil, _), .rendered(_, _, _, 0, _): false
        default: true
        }
    }
}

/// The settings groups of an `Experiment`. Every field has its default on its declaration and
/// every initialiser argument is optional, so `var s = MatchingSettings(); s.epochs = 2` works;
/// the experiment file reader starts from these values. Ranges (what the file reader accepts)
/// are given per field.

/// φ: which EfficientNet-Lite0 outputs images are compared in.
public struct FeatureSettings: Sendable, Equatable {
    /// Stages whose outputs form φ (`FeatureExtractor`): flattened, averaged over positions
    /// (`NAME_mean`) or as the distribution of local feature vectors (`NAME_patches`, an MMD
    /// term of its own). Non-empty, each one of `knownStages`.
    public var stages: [String] = ["group3"]
    /// Give each flattened or averaged stage its own MMD term and kernel bandwidths instead of
    /// concatenating them into one (`FeatureExtractor.separateBandwidths`).
    public var separateBandwidths: Bool = false

    /// Object-centred crops compared too (`ObjectCrops`): a per-crop MMD term, and one more per
    /// `_patches` crop stage; nil: none.
    public var crops: CropSettings?

    /// Selects the feature stages; not checked here (the file reader checks against `knownStages`).
    public init(stages: [String] = ["group3"], separateBandwidths: Bool = false, crops: CropSettings? = nil) {
        self.stages = stages
        self.separateBandwidths = separateBandwidths
        self.crops = crops
    }

    /// Every stage name an experiment may select: EfficientNet-Lite0's outputs, and each with
    /// `_mean` (averaged over positions) and `_patches` (local feature vectors).
    public static var knownStages: [String] { FeatureExtractor.Selection.names }
}

/// Object-centred crops (`features.crops`): windows of `size` px around every visible object of
/// `classes`, compared in φ's `stages` (per crop: flattened or `_mean`, concatenated into one
/// term; each `_patches` stage a term of its own, one sample per crop and position).
/// Needs the target images' object boxes (a target rendered from a grammar).
public struct CropSettings: Sendable, Equatable {
    /// Classes whose objects are cropped (non-empty).
    public var classes: [String]
    /// Crop side in pixels (≥ 8, at most the canvas's smaller side).
    public var size: Int = 32
    /// φ stages of a crop, as in `FeatureSettings.stages`.
    public var stages: [String] = ["pooled"]
    /// Where a window is centred and how it is turned (`ObjectCrops.Anchor`: `centroid`, or
    /// `frame`: on the object's place on its parent road, turned with the road).
    public var anchor: ObjectCrops.Anchor = .centroid
    /// With `anchor: frame` in a perspective view: the metres a window spans at its anchor's
    /// depth (`ObjectCrops.extent`, > 0); nil: `size` px.
    public var extent: Double?

    /// Settings from explicit values, unchecked.
    public init(classes: [String], size: Int = 32, stages: [String] = ["pooled"], anchor: ObjectCrops.Anchor = .centroid,
                extent: Double? = nil) {
        self.classes = classes
        self.size = size
        self.stages = stages
        self.anchor = anchor
        self.extent = extent
    }
}

/// The MMD objective: kernel bandwidths and the size of the cached target feature bank.
public struct MMDSettings: Sendable, Equatable {
    /// Kernel bandwidth multiples of the median squared distance of the target bank (> 0).
    public var scales: [Float] = [0.25, 1, 4]
    /// Use the unbiased estimator (diagonal kernel terms dropped; may go negative) instead of the biased one.
    public var unbiased: Bool = false
    /// Number of target images in the cached feature bank (≥ 2).
    public var bankSize: Int = 200
    /// The most rows of one MMD term compared, in the bank and in a generated batch (≥ 2;
    /// `FeatureMMD`): `_patches` terms have one row per feature-map position.
    public var maxSamples: Int = 4096

    /// Settings from explicit values, unchecked.
    public init(scales: [Float] = [0.25, 1, 4], unbiased: Bool = false, bankSize: Int = 200, maxSamples: Int = 4096) {
        self.scales = scales
        self.unbiased = unbiased
        self.bankSize = bankSize
        self.maxSamples = maxSamples
    }
}

/// Shape of the distribution transformer G_θ (a graph-convolution network over scene graphs).
public struct TransformerSettings: Sendable, Equatable {
    /// Widths of the hidden graph-convolution layers (encoder … decoder), each ≥ 1.
    public var hidden: [Int] = [30, 18, 30]
    /// Classes (grammar class names) whose one-hot the transformer does not see, so a node of
    /// one of them gets the same change whatever its class (empty: it sees every class). For
    /// classes that are labels the target shares, such as MNIST digits: MMD compares unlabelled
    /// images, and a transformer that sees the digit may turn each digit differently while the
    /// images still match (measured on mnist-external: per-digit yaw 130–148°, target 135°).
    public var ignoreClasses: [String] = []
    /// Mutable attributes whose prior value the transformer does not see (empty: it sees every
    /// one): it sets them from the node's context (its class, its other attributes, the graph),
    /// so stage 1 starts them at the prior's mean given that context, and matching moves that.
    /// For attributes the target sets by context rather than by the prior's draw, such as a
    /// car's heading relative to its road (aerial: a transformer that sees it maps each car's
    /// drawn heading on its own, and turns the crosswise ones further across, `experiments/README.md`).
    public var ignoreAttributes: [String] = []
    /// Whether G_θ predicts a change of each mutable value (in logit space) instead of the value
    /// (YAML `residual`, default false; `DistributionTransformer.residual`). The identity is
    /// then the network's zero output, and it is not unlearned by noisy steps: with a plain
    /// head every output's dependence on its drawn value has to be held by the weights, and
    /// the spread of a position collapsed during matching in every arm of the mnist-task
    /// ablation (experiments/README.md).
    public var residual = false
    /// The share of the prior's spread that `ignoreAttributes` keep (YAML `blind_spread`, 0–1,
    /// default 0; `DistributionTransformer.blindSpread`): each scene's value is the one value
    /// per context plus this times its prior draw's distance from the prior's mean. 0 gives
    /// every scene one value of each, where a target may spread them (driving: its sun azimuth
    /// spans 50°; 0.125 measured in experiments/driving.yaml).
    public var blindSpread = 0.0

    /// Settings from explicit values, unchecked.
    public init(hidden: [Int] = [30, 18, 30], ignoreClasses: [String] = [], ignoreAttributes: [String] = [], residual: Bool = false,
                blindSpread: Double = 0) {
        self.hidden = hidden
        self.ignoreClasses = ignoreClasses
        self.ignoreAttributes = ignoreAttributes
        self.residual = residual
        self.blindSpread = blindSpread
    }
}

/// Stage 1: the transformer learns to reproduce the prior.
public struct ReconstructionSettings: Sendable, Equatable {
    /// Step budget (≥ 0; 0 skips stage 1).
    public var maxSteps: Int = 500
    /// Stop once the mean attribute reconstruction loss (MSE, normalised units) is below this.
    public var threshold: Double = 1e-3
    /// Adam learning rate (> 0).
    public var learningRate: Double = 0.01
    /// Prior graphs per step (≥ 1).
    public var batchSize: Int = 64
    /// Keep the first half of G fixed in stage 2.
    public var freezeEncoder: Bool = false

    /// Settings from explicit values, unchecked.
    public init(maxSteps: Int = 500, threshold: Double = 1e-3, learningRate: Double = 0.01, batchSize: Int = 64,
                freezeEncoder: Bool = false) {
        self.maxSteps = maxSteps
        self.threshold = threshold
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.freezeEncoder = freezeEncoder
    }
}

/// Stage 2: distribution matching.
public struct MatchingSettings: Sendable, Equatable {
    /// Offsets tried for each wrapping mutable attribute before matching, one attribute at a
    /// time (0 or 1: off; ≤ 360); attributes the start search covers are left to it. See
    /// `MetaSimTrainer.phaseSearch`.
    public var phaseSearch: Int = 8
    /// Joint grids over mutable attributes before matching, searched in order, each with the
    /// earlier ones' choices applied (empty: none; YAML `start_search`, one mapping or a list);
    /// see `MetaSimTrainer.startSearch`. A later search may name an attribute again (a window
    /// search, `StartSearchSettings.span`, refines the earlier choice).
    public var startSearches: [StartSearchSettings] = []
    /// Epochs (≥ 0): a checkpoint, a sample grid and a metrics summary each.
    public var epochs: Int = 5
    /// Optimiser steps per epoch (≥ 1).
    public var stepsPerEpoch: Int = 50
    /// Generated images per step (≥ 2).
    public var batchSize: Int = 50
    /// Adam learning rate (> 0).
    public var learningRate: Double = 1e-3
    /// The learning rate is multiplied by this after each epoch (in (0, 1]; 1: constant).
    public var learningRateDecay: Double = 1
    /// Weight of MMD²'s gradient (≥ 0; 0 with a `task` section: the task objective alone,
    /// MMD² still measured and recorded).
    public var mmdWeight: Double = 1
    /// The mutable attributes MMD²'s gradient moves (YAML `mmd_attributes`); nil: all of them.
    /// The others keep G_θ's output as far as MMD is concerned (MMD² still sees them drawn), for
    /// attributes φ does not see or pulls the wrong way, left to the task objective
    /// (`TaskSettings.attributes`). Names are checked against the grammar when the trainer is built.
    public var mmdAttributes: [String]? = nil
    /// Weight of the hold term (YAML `hold_weight`, ≥ 0; 0: off): the stage-1 reconstruction
    /// error of the mutable attributes that neither `mmdAttributes` nor the task objective's
    /// `TaskSettings.attributes` name, added to the matching objective so that they stay where
    /// stage 1 and the start searches put them instead of drifting with G_θ's shared weights
    /// (`AttributeHold`). Needs `mmdAttributes`; the trainer refuses a weight with nothing to hold.
    public var holdWeight: Double = 0

    /// The field path of `startSearches[index]` as the file writes it: `matching.start_search`
    /// when there is one search (a mapping), `matching.start_search[index]` for a list.
    public func startSearchPath(_ index: Int) -> String {
        startSearches.count == 1 ? "matching.start_search" : "matching.start_search[\(index)]"
    }

    /// Settings from explicit values, unchecked.
    public init(phaseSearch: Int = 8, startSearches: [StartSearchSettings] = [], epochs: Int = 5, stepsPerEpoch: Int = 50,
                batchSize: Int = 50, learningRate: Double = 1e-3, learningRateDecay: Double = 1) {
        self.phaseSearch = phaseSearch
        self.startSearches = startSearches
        self.epochs = epochs
        self.stepsPerEpoch = stepsPerEpoch
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.learningRateDecay = learningRateDecay
    }
}

/// The start search's grid (`matching.start_search`): every combination of `points[i]` values
/// of `attributes[i]` is rendered on one batch of prior samples and scored by MMD² against the
/// target bank; the best becomes stage 2's start. A wrapping attribute's values are the prior
/// turned by k/points of its period (k = 0 …); a bounded attribute's, the prior moved so that
/// its batch mean lands on the centre of each of `points` equal cells of its range. With
/// `span`, the grid covers only a window of that fraction of the range (or period) centred on
/// the attribute's current value (an earlier search's choice; the prior's mean when none), and
/// the current value is kept when no grid point scores below it: a finer second look at an
/// attribute that an earlier search placed coarsely. With `refine` ≥ 2, the best few basins of
/// the grid are told apart by short matching runs. With `spreads`, the grid also tries
/// narrower versions of the prior around each cell.
/// Cost: ∏ points (× the number of `spreads`) renders of `batch_size` images and φ passes (no gradients), plus
/// `refine` × (a shifted stage 1 + `refineSteps` matching steps).
public struct StartSearchSettings: Sendable, Equatable {
    /// Mutable attribute names (grammar attribute names), each at most once.
    public var attributes: [String]
    /// Grid points per attribute (each ≥ 2; same count as `attributes`; product ≤
    /// `StartSearchSettings.maxCandidates`).
    public var points: [Int]
    /// Per attribute, the width of the searched window as a fraction of its range (bounded:
    /// the window slides to stay inside it) or of its period (wrapping), each in (0, 1]; the
    /// grid points are the centres of `points` equal cells of the window. nil: the whole range
    /// in absolute cells (wrapping: turns of k/points from the current value), and a grid point
    /// always wins.
    public var span: [Double]? = nil
    /// Shares of the prior's spread to try (YAML `spreads`, each in (0, 1], at most
    /// `maxSpreads`; nil: the prior's spread, or the one an earlier search chose): one more
    /// grid dimension, applied to every bounded attribute of the search (wrapping ones keep
    /// theirs), whose values then draw towards their mean by that factor before the cell's
    /// move. A wide prior moved whole is clamped at its range's ends and stays wide; a
    /// target that is narrow and off-centre (driving: dark paint around 0.3 of a range [0, 1]
    /// the prior fills) is reached only by narrowing it too.
    public var spreads: [Double]? = nil

    /// Grid basins refined by short matching runs (≥ 1; 1: none, the grid's best point wins).
    /// The `refine` lowest local minima of the grid's MMD² each start `refineSteps` matching
    /// steps; the start whose run ends lowest wins (`MetaSimTrainer.refineStarts`).
    public var refine: Int = 1
    /// Matching steps of each refinement run (≥ 1); its score is the mean MMD² of the last
    /// third of them.
    public var refineSteps: Int = 40
    /// Scenes rendered for every grid point (≥ 2; nil: `matching.batch_size`). MMD² of one
    /// batch is a noisy score: differences between grid points that are small against its
    /// spread need more scenes than a matching step does. Refinement runs are matching steps
    /// and use `matching.batch_size`.
    public var batchSize: Int? = nil
    /// Whether grid points are scored by φ's whole-image terms alone, without the crop terms of
    /// `features.crops` (which then still serve matching). Crops of cars see their paint far
    /// more than the sun's direction, so a sun search scored with them trades the sun's azimuth
    /// against the prior's paint (experiments/driving.yaml). Without `features.crops` it changes
    /// nothing.
    public var imageTermsOnly = false
    /// Whether the MMD² that scores grid points has one more term: φ(x) − φ(mirror(x)), the
    /// part of φ's per-image features that changes sign when an image is mirrored left–right
    /// (`MirrorTerm`). φ hardly tells a scene distribution from its mirror image (driving: the
    /// sun at azimuth a or 360° − a across a symmetric road, which the detector does tell
    /// apart); this term does. Only with `score: mmd`; matching's MMD is unchanged.
    public var mirrorTerm = false
    /// How grid points are scored (YAML `score`): MMD² against the target bank, or `task`: a
    /// task network (`task_network`'s kind, classes and training settings, new from one seed
    /// for every point) trained for `taskEpochs` on the point's `batch_size` rendered scenes
    /// and scored on the labelled target validation set by `taskMetric`; the point's value is
    /// 1 − that score, so the lowest still wins. For what φ does not resolve but the task
    /// network depends on (driving: the sun's azimuth, to its mirror across the road).
    /// Cost per point: a task network's training on `batch_size` images for `taskEpochs`.
    public var score: StartSearchScore = .mmd
    /// `score: task`: training epochs per grid point (≥ 1; nil: `task_network.epochs`).
    public var taskEpochs: Int? = nil
    /// `score: task`: the validation score (a name of `TaskNetworkSettings.scoreNames`); nil:
    /// the task network's primary metric.
    public var taskMetric: String? = nil

    /// Most grid combinations one search may render.
    public static let maxCandidates = 4096
    /// Most grid basins one search may refine.
    public static let maxRefined = 64
    /// Most spread levels one search may try.
    public static let maxSpreads = 16

    public init(attributes: [String], points: [Int], span: [Double]? = nil, spreads: [Double]? = nil, refine: Int = 1, refineSteps: Int = 40,
                batchSize: Int? = nil, imageTermsOnly: Bool = false, mirrorTerm: Bool = false) {
        self.attributes = attributes
        self.points = points
        self.span = span
        self.spreads = spreads
        self.refine = refine
        self.refineSteps = refineSteps
        self.batchSize = batchSize
        self.imageTermsOnly = imageTermsOnly
        self.mirrorTerm = mirrorTerm
    }
}

/// What a start search's grid points are scored by (`StartSearchSettings.score`).
public enum StartSearchScore: String, Sendable, Equatable, CaseIterable {
    /// MMD² of the rendered batch against the target bank (φ's features).
    case mmd
    /// 1 − the validation score of a task network trained on the rendered batch.
    case task
    /// MMD² between the rendered batch's boxes and the labelled target validation boxes
    /// (`BoxGeometryMMD`: position and size of each box; detection only).
    case boxes
    /// MMD² between the shading of the rendered batch's boxes and of the labelled target
    /// validation boxes (`BoxShadingMMD`: the luminance of 3 × 3 cells of each box over the
    /// box's mean; detection only).
    case boxShading = "box_shading"

    /// Whether the score reads the labelled target validation boxes (detection only).
    public var usesBoxes: Bool { self == .boxes || self == .boxShading }
}

/// How stage 3 turns task rewards into a gradient.
public enum TaskEstimator: String, Sendable, Equatable, CaseIterable {
    /// Score-function gradient of one reward for every sampled entry (`ReinforceEstimator`).
    case reinforce
    /// Antithetic pairs of shift/spread moves per attribute, same scenes and task-network start
    /// on both sides (`AttributeMoves`).
    case attributeMoves = "attribute_moves"
}

/// Stage 3: the task objective.
public struct TaskSettings: Sendable, Equatable {
    /// The gradient estimator.
    public var estimator: TaskEstimator = .reinforce
    /// `reinforce`: standard deviation of the sampling distribution around G_θ's output;
    /// `attribute_moves`: of each move coordinate (shift in normalised units, spread as a
    /// log-scale). > 0.
    public var sigma: Double = 0.05
    /// Weight of the task term relative to MMD (≥ 0).
    public var weight: Double = 1
    /// Images generated to train the task network for one reward.
    public var images: Int = 1000
    /// Matching steps between two task rewards.
    public var every: Int = 25
    /// `attribute_moves`: antithetic pairs averaged per gradient (≥ 1); each trains the task
    /// network twice.
    public var pairs: Int = 1
    /// `attribute_moves`: keep one task network through the run and fine-tune it for each
    /// reward (both sides of a pair from the same weights; the better side's weights kept),
    /// instead of training a new one from scratch per reward.
    public var fineTune: Bool = false
    /// The validation score used as the reward; nil: the task network's primary metric
    /// (`TaskNetwork.primaryMetric`). Segmentation also has `<class>_iou` and the soft IoUs
    /// (`TaskNetwork.softScores`): `mean_soft_iou`, `<class>_soft_iou`.
    public var metric: String? = nil
    /// The mutable attributes the task objective perturbs and moves (YAML `attributes`); nil: all
    /// of them. Names are checked against the grammar when the trainer is built.
    public var attributes: [String]? = nil

    /// Settings from explicit values, unchecked.
    public init(sigma: Double = 0.05, weight: Double = 1, images: Int = 1000, every: Int = 25,
                estimator: TaskEstimator = .reinforce, pairs: Int = 1, fineTune: Bool = false, metric: String? = nil) {
        self.sigma = sigma
        self.weight = weight
        self.images = images
        self.every = every
        self.estimator = estimator
        self.pairs = pairs
        self.fineTune = fineTune
        self.metric = metric
    }
}

/// The task network trained for rewards and for the final comparison.
public struct TaskNetworkSettings: Sendable, Equatable {
    /// Classification (one class per image), segmentation (one per pixel) or detection (boxes).
    public var kind: TaskKind = .classification
    /// The task's classes. Classification: optional (default: the classes of the labelled
    /// target images). Segmentation: required, background class first (pixels of no listed
    /// class count as it). Detection: required, the classes to detect (for example `[car]`).
    public var classes: [String]? = nil
    /// Generated images for the final comparison.
    public var trainImages: Int = 10_000
    /// Passes over the generated training images (≥ 1).
    public var epochs: Int = 3
    /// Images per optimiser step (≥ 1).
    public var batchSize: Int = 64
    /// Adam learning rate (> 0).
    public var learningRate: Double = 1e-3
    /// Channels of the network's first convolution (see `TaskNetwork.init`); nil: the kind's
    /// default (`TaskNetwork.defaultWidth`). Training cost grows with about its square.
    public var width: Int? = nil
    /// Also train the network on target data (the oracle, `RunResults.oracleScores`): the
    /// ceiling each Meta-Sim figure reads against.
    public var oracle: Bool = true
    /// Train the oracle on the prior arm's own scene graphs with every mutable attribute drawn
    /// afresh from the target grammar (`Grammar.redrawingMutableAttributes`), instead of on fresh
    /// target-grammar samples: the three networks of a repeat then train on one set of scene
    /// structures (car counts, lanes, roadside objects...) and differ only in what Meta-Sim may
    /// change, so the Meta-Sim–oracle gap does not also compare two samples of structures
    /// (common random numbers; on driving scenes that part of the noise proved small beside the
    /// networks' training noise, experiments/driving.yaml). The oracle's data are still distributed as the target grammar's samples; that
    /// needs a target rendered from a grammar that differs from the prior grammar only in how
    /// mutable attributes are drawn (checked when the experiment is built:
    /// `Grammar.differenceOutsideMutableDraws`). YAML `paired_oracle`; needs `oracle`.
    public var pairedOracle: Bool = false
    /// How many times each final task network (prior, Meta-Sim, oracle) is trained, each time
    /// on fresh samples from a fresh seed (1...16): `RunResults` reports the mean of each score
    /// and every repeat's figure. One network's score moves by several points from one training
    /// to another (moderate car AP on driving scenes: SDs of 1–8 points over 3 trainings,
    /// experiments/driving.yaml), so a gap between two generators reads reliably only as a mean
    /// over repeats. Costs `repeats` times the evaluation's training.
    public var repeats: Int = 1
    /// Learning-rate schedule, random crops (segmentation), class weights and mirroring of every
    /// task network this experiment trains (YAML `learning_rate_schedule`, `crop`,
    /// `class_weights`, `horizontal_flip`).
    public var training = TaskTrainingOptions()

    /// The scores `TaskNetwork.scores(on:)` and `softScores(on:)` report for this kind and these
    /// classes: `target_accuracy`, `target_soft_accuracy`; `mean_iou`, `<class>_iou`,
    /// `mean_soft_iou`, `<class>_soft_iou`; `ap_{easy,moderate,hard}`, `ap50_*` and `centernet_fit`.
    public var scoreNames: [String] {
        let soft = TaskNetwork.softScoreNames(kind: kind, classes: classes ?? [])
        switch kind {
        case .classification: return ["target_accuracy"] + soft
        case .segmentation: return ["mean_iou"] + (classes ?? []).map { "\($0)_iou" } + soft
        case .detection: return ["easy", "moderate", "hard"].flatMap { ["ap_\($0)", "ap50_\($0)"] } + soft
        }
    }

    /// Settings from explicit values, unchecked.
    public init(kind: TaskKind = .classification, classes: [String]? = nil, trainImages: Int = 10_000, epochs: Int = 3,
                batchSize: Int = 64, learningRate: Double = 1e-3, width: Int? = nil, oracle: Bool = true) {
        self.oracle = oracle
        self.kind = kind
        self.classes = classes
        self.trainImages = trainImages
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.width = width
    }
}

/// A render engine run as a separate program speaking the JSON Lines bridge protocol
/// (Sources/Render/BRIDGE.md); its gradients come from central finite differences.
public struct ExternalRendererSettings: Sendable, Equatable {
    /// The program and its arguments; relative paths in the arguments are left as given (they
    /// resolve against the working folder), the program is looked up on PATH.
    public var command: [String]
    /// Seconds to wait for one reply (> 0).
    public var timeout: Double = 60
    /// Finite-difference step, in attribute units (> 0).
    public var step: Double = 0.5
    /// How many copies of the program render at once (`ProcessRendererPool`; 1...256).
    public var workers: Int = 1

    /// Settings from explicit values, unchecked; `step` becomes the finite-difference step `h`.
    public init(command: [String], timeout: Double = 60, step: Double = 0.5, workers: Int = 1) {
        self.command = command
        self.timeout = timeout
        self.step = step
        self.workers = workers
    }
}

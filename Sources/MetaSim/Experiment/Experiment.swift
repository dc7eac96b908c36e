import Diagnostics
import Foundation
import NN

/// Everything one Meta-Sim training run needs, read from an experiment file (YAML or JSON).
/// Relative paths are resolved against the experiment file's folder. See `experiments/README.md`
/// for the format with every setting and its default.
public struct Experiment: Sendable {
    public var file: String
    public var name: String
    public var seed: UInt64
    /// The prior grammar the generator samples from.
    public var grammar: String
    public var target: TargetData
    public var features: FeatureSettings
    public var mmd: MMDSettings
    public var transformer: TransformerSettings
    public var reconstruction: ReconstructionSettings
    public var matching: MatchingSettings
    /// Stage 3; nil when the experiment has no `task` section or it is disabled.
    public var task: TaskSettings?
    public var taskNetwork: TaskNetworkSettings
    /// An external render engine for the generator's scenes (nil: the built-in compositor).
    public var externalRenderer: ExternalRendererSettings?
}

/// A render engine run as a separate program speaking the JSON Lines bridge protocol
/// (Sources/Render/BRIDGE.md); its gradients come from central finite differences.
public struct ExternalRendererSettings: Sendable, Equatable {
    /// The program and its arguments; relative paths in the arguments are left as given (they
    /// resolve against the working folder), the program is looked up on PATH.
    public var command: [String]
    /// Seconds to wait for one reply.
    public var timeout: Double
    /// Finite-difference step, in attribute units.
    public var step: Double
}

/// Where the target images come from.
public enum TargetData: Sendable, Equatable {
    /// Folders given by the user: unlabelled images for matching; optional labelled
    /// (ImageFolder layout) validation and test folders.
    case folders(images: String, validation: String?, test: String?)
    /// Rendered from a target grammar (the bundled experiments): `images` unlabelled images for
    /// matching, `validation` and `test` labelled ones, from seeds distinct from the generator's.
    case rendered(grammar: String, seed: UInt64, images: Int, validation: Int, test: Int)
}

public struct FeatureSettings: Sendable, Equatable {
    /// EfficientNet-Lite0 stages whose outputs, flattened and concatenated, form φ.
    public var stages: [String]
    /// Every stage name an experiment may select: EfficientNet-Lite0's outputs, and each with
    /// `_mean` (averaged over positions).
    public static var knownStages: [String] { FeatureExtractor.Selection.names }
}

public struct MMDSettings: Sendable, Equatable {
    /// Kernel bandwidth multiples of the median squared distance of the target bank.
    public var scales: [Float]
    public var unbiased: Bool
    /// Number of target images in the cached feature bank.
    public var bankSize: Int
}

public struct TransformerSettings: Sendable, Equatable {
    /// Widths of the hidden graph-convolution layers (encoder … decoder).
    public var hidden: [Int]
}

public struct ReconstructionSettings: Sendable, Equatable {
    public var maxSteps: Int
    /// Stop once the mean reconstruction loss falls below this.
    public var threshold: Double
    public var learningRate: Double
    public var batchSize: Int
    public var freezeEncoder: Bool
}

public struct MatchingSettings: Sendable, Equatable {
    /// Offsets tried for each wrapping mutable attribute before matching (0 or 1: off); see
    /// `MetaSimTrainer.phaseSearch`.
    public var phaseSearch: Int
    public var epochs: Int
    public var stepsPerEpoch: Int
    public var batchSize: Int
    public var learningRate: Double
    /// The learning rate is multiplied by this after each epoch (1: constant).
    public var learningRateDecay: Double
}

public struct TaskSettings: Sendable, Equatable {
    /// Standard deviation of the sampling distribution around G_θ's output (normalised units).
    public var sigma: Double
    /// Weight of the REINFORCE term relative to MMD.
    public var weight: Double
    /// Images generated to train the task network for one reward.
    public var images: Int
    /// Matching steps between two task rewards.
    public var every: Int
}

public struct TaskNetworkSettings: Sendable, Equatable {
    /// Classification (one class per image) or segmentation (one per pixel).
    public var kind: TaskKind
    /// The task's classes. Classification: optional (default: the classes of the labelled
    /// target images). Segmentation: required, background class first (pixels of no listed
    /// class count as it).
    public var classes: [String]?
    public var trainImages: Int
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Double
}

extension Experiment {
    /// Reads and checks an experiment file: every problem found (unknown settings, bad values,
    /// missing grammar or folders) is thrown at once as `InputErrors`, before any long work.
    public static func load(path: String) throws -> Experiment {
        let url = URL(fileURLWithPath: path)
        let reader = try ConfigReader.load(url)
        let base = url.deletingLastPathComponent()
        func resolve(_ p: String) -> String {
            p.hasPrefix("/") ? p : base.appendingPathComponent(p).standardizedFileURL.path
        }
        func existing(_ r: ConfigReader, _ key: String, directory: Bool) -> String? {
            guard let p = r.string(key) else { return nil }
            let full = resolve(p)
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) {
                r.fail(key, "\(directory ? "folder" : "file") not found: \(full)")
            } else if isDirectory.boolValue != directory {
                r.fail(key, "expected a \(directory ? "folder" : "file"): \(full)")
            }
            return full
        }

        let name = reader.string("name") ?? url.deletingPathExtension().lastPathComponent
        let seed = UInt64(reader.int("seed", default: 1, min: 0))
        let grammar = existing(reader, "grammar", directory: false)
        if !reader.has("grammar") { reader.fail("grammar", "missing: the prior grammar file") }

        var target = TargetData.folders(images: "", validation: nil, test: nil)
        if let t = reader.object("target") {
            if let r = t.object("render") {
                let g = existing(r, "grammar", directory: false)
                if !r.has("grammar") { r.fail("grammar", "missing: the target grammar file") }
                target = .rendered(grammar: g ?? "", seed: UInt64(r.int("seed", default: 1_000_003, min: 0)),
                                   images: r.int("images", default: 200, min: 1),
                                   validation: r.int("validation", default: 0, min: 0),
                                   test: r.int("test", default: 0, min: 0))
                r.finish()
            } else {
                let images = existing(t, "images", directory: true)
                if !t.has("images") { t.fail("images", "missing: a folder of target images (or a `render` section)") }
                target = .folders(images: images ?? "", validation: existing(t, "validation", directory: true),
                                  test: existing(t, "test", directory: true))
            }
            t.finish()
        } else {
            reader.fail("target", "missing: where the target images come from")
        }

        var features = FeatureSettings(stages: ["group3"])
        if let f = reader.object("features") {
            features.stages = f.strings("stages", default: features.stages)
            for (i, s) in features.stages.enumerated() where !FeatureSettings.knownStages.contains(s) {
                f.fail("stages[\(i)]", "unknown stage '\(s)'; expected one of \(FeatureSettings.knownStages.joined(separator: ", "))")
            }
            if features.stages.isEmpty { f.fail("stages", "must name at least one stage") }
            f.finish()
        }

        var mmd = MMDSettings(scales: [0.25, 1, 4], unbiased: false, bankSize: 200)
        if let m = reader.object("mmd") {
            mmd.scales = m.doubles("scales", default: mmd.scales.map(Double.init)).map(Float.init)
            if mmd.scales.isEmpty || mmd.scales.contains(where: { $0 <= 0 }) { m.fail("scales", "must be a non-empty list of positive numbers") }
            mmd.unbiased = m.bool("unbiased", default: mmd.unbiased)
            mmd.bankSize = m.int("bank_size", default: mmd.bankSize, min: 2)
            m.finish()
        }

        var transformer = TransformerSettings(hidden: [30, 18, 30])
        if let t = reader.object("transformer") {
            let widths = t.doubles("hidden", default: transformer.hidden.map(Double.init))
            if widths.isEmpty || widths.contains(where: { $0 < 1 || $0 != $0.rounded() }) {
                t.fail("hidden", "must be a non-empty list of positive integers")
            } else {
                transformer.hidden = widths.map { Int($0) }
            }
            t.finish()
        }

        var reconstruction = ReconstructionSettings(maxSteps: 500, threshold: 1e-3, learningRate: 0.01, batchSize: 64, freezeEncoder: false)
        if let r = reader.object("reconstruction") {
            reconstruction.maxSteps = r.int("max_steps", default: reconstruction.maxSteps, min: 0)
            reconstruction.threshold = r.double("threshold", default: reconstruction.threshold, min: 0)
            reconstruction.learningRate = r.double("learning_rate", default: reconstruction.learningRate, min: 0, exclusiveMin: true)
            reconstruction.batchSize = r.int("batch_size", default: reconstruction.batchSize, min: 1)
            reconstruction.freezeEncoder = r.bool("freeze_encoder", default: reconstruction.freezeEncoder)
            r.finish()
        }

        var matching = MatchingSettings(phaseSearch: 8, epochs: 5, stepsPerEpoch: 50, batchSize: 50, learningRate: 1e-3, learningRateDecay: 1)
        if let m = reader.object("matching") {
            matching.epochs = m.int("epochs", default: matching.epochs, min: 0)
            matching.phaseSearch = m.int("phase_search", default: matching.phaseSearch, min: 0, max: 360)
            matching.stepsPerEpoch = m.int("steps_per_epoch", default: matching.stepsPerEpoch, min: 1)
            matching.batchSize = m.int("batch_size", default: matching.batchSize, min: 2)
            matching.learningRate = m.double("learning_rate", default: matching.learningRate, min: 0, exclusiveMin: true)
            matching.learningRateDecay = m.double("learning_rate_decay", default: matching.learningRateDecay, min: 0, max: 1, exclusiveMin: true)
            m.finish()
        }

        var task: TaskSettings?
        if let t = reader.object("task") {
            let enabled = t.bool("enabled", default: true)
            let settings = TaskSettings(sigma: t.double("sigma", default: 0.05, min: 0, exclusiveMin: true),
                                        weight: t.double("weight", default: 1, min: 0),
                                        images: t.int("images", default: 1000, min: 1),
                                        every: t.int("every", default: 25, min: 1))
            task = enabled ? settings : nil
            t.finish()
        }

        var taskNetwork = TaskNetworkSettings(kind: .classification, classes: nil, trainImages: 10_000, epochs: 3, batchSize: 64, learningRate: 1e-3)
        if let n = reader.object("task_network") {
            let kind = n.string("kind", default: "classification", oneOf: TaskKind.allCases.map(\.rawValue))
            taskNetwork.kind = TaskKind(rawValue: kind) ?? .classification
            if n.has("classes") {
                let classes = n.strings("classes", default: [])
                if classes.isEmpty || Set(classes).count != classes.count { n.fail("classes", "must be a non-empty list of distinct class names") }
                taskNetwork.classes = classes
            } else if taskNetwork.kind == .segmentation {
                n.fail("classes", "missing: segmentation needs its class list, background class first")
            }
            taskNetwork.trainImages = n.int("train_images", default: taskNetwork.trainImages, min: 1)
            taskNetwork.epochs = n.int("epochs", default: taskNetwork.epochs, min: 1)
            taskNetwork.batchSize = n.int("batch_size", default: taskNetwork.batchSize, min: 1)
            taskNetwork.learningRate = n.double("learning_rate", default: taskNetwork.learningRate, min: 0, exclusiveMin: true)
            n.finish()
        }
        if task != nil {
            switch target {
            case .folders(_, nil, _), .rendered(_, _, _, 0, _):
                reader.fail("task", "the task objective needs labelled target validation images (target.validation)")
            default: break
            }
        }
        var externalRenderer: ExternalRendererSettings?
        if let r = reader.object("renderer") {
            let command = r.strings("command", default: [])
            if command.isEmpty { r.fail("command", "missing: the program to run and its arguments, as a list") }
            externalRenderer = ExternalRendererSettings(command: command, timeout: r.double("timeout", default: 60, min: 0, exclusiveMin: true),
                                                        step: r.double("fd_step", default: 0.5, min: 0, exclusiveMin: true))
            r.finish()
        }
        if taskNetwork.kind == .segmentation, case .folders = target {
            reader.fail("target", "segmentation targets must be rendered from a target grammar (a `render` section): labelled mask folders are not supported")
        }
        reader.finish()
        if !reader.errors.isEmpty { throw InputErrors(reader.errors) }
        return Experiment(file: url.path, name: name, seed: seed, grammar: grammar ?? "", target: target,
                          features: features, mmd: mmd, transformer: transformer, reconstruction: reconstruction,
                          matching: matching, task: task, taskNetwork: taskNetwork, externalRenderer: externalRenderer)
    }
}

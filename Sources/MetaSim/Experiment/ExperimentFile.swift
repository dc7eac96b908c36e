import Diagnostics
import Foundation

extension Experiment {
    /// Reads and checks an experiment file (YAML or JSON): starts from the defaults of
    /// `Experiment`'s settings and overrides what the file sets, resolving relative paths
    /// against the file's folder. Every problem found (unknown settings, values out of range,
    /// missing grammar or folders, settings that contradict each other) is thrown at once as
    /// `InputErrors`, each with the file and field path, before any long work; an unreadable
    /// or malformed file throws one `InputError`.
    public static func load(path: String) throws -> Experiment {
        let url = URL(fileURLWithPath: path)
        let reader = try ConfigReader.load(url)
        let files = PathChecker(base: url.deletingLastPathComponent())

        var e = Experiment(grammar: "", target: .folders(images: ""), name: url.deletingPathExtension().lastPathComponent,
                           file: url.path)
        e.name = reader.string("name") ?? e.name
        e.seed = UInt64(reader.int("seed", default: Int(e.seed), min: 0))
        e.grammar = files.existing(reader, "grammar", directory: false) ?? ""
        if !reader.has("grammar") { reader.fail("grammar", "missing: the prior grammar file") }
        if let t = reader.object("target") {
            e.target = readTarget(t, files)
            t.finish()
        } else {
            reader.fail("target", "missing: where the target images come from")
        }
        if let f = reader.object("features") { e.features.override(from: f) }
        if let m = reader.object("mmd") { e.mmd.override(from: m) }
        if let t = reader.object("transformer") { e.transformer.override(from: t) }
        if let r = reader.object("reconstruction") { e.reconstruction.override(from: r) }
        if let m = reader.object("matching") { e.matching.override(from: m) }
        if let t = reader.object("task") {
            var task = TaskSettings()
            let enabled = t.bool("enabled", default: true)
            task.override(from: t)
            e.task = enabled ? task : nil
        }
        if let n = reader.object("task_network") { e.taskNetwork.override(from: n) }
        if let r = reader.object("renderer") {
            var renderer = ExternalRendererSettings(command: [])
            renderer.override(from: r)
            e.externalRenderer = renderer
        }
        for problem in e.crossCheckProblems + e.limitProblems { reader.fail(problem.path, problem.message) }
        reader.finish()
        if !reader.errors.isEmpty { throw InputErrors(reader.errors) }
        return e
    }

    private static func readTarget(_ t: ConfigReader, _ files: PathChecker) -> TargetData {
        if let r = t.object("render") {
            let g = files.existing(r, "grammar", directory: false)
            if !r.has("grammar") { r.fail("grammar", "missing: the target grammar file") }
            // The defaults declared on `TargetData.rendered`.
            guard case let .rendered(_, seed, images, validation, test) = TargetData.rendered(grammar: "") else { fatalError("unreachable") }
            let target = TargetData.rendered(grammar: g ?? "", seed: UInt64(r.int("seed", default: Int(seed), min: 0)),
                                             images: r.int("images", default: images, min: 1),
                                             validation: r.int("validation", default: validation, min: 0),
                                             test: r.int("test", default: test, min: 0))
            r.finish()
            return target
        }
        let images = files.existing(t, "images", directory: true)
        if !t.has("images") { t.fail("images", "missing: a folder of target images (or a `render` section)") }
        return .folders(images: images ?? "", validation: files.existing(t, "validation", directory: true),
                        test: files.existing(t, "test", directory: true))
    }
}

/// Resolves paths of an experiment file against its folder and checks that they exist.
private struct PathChecker {
    let base: URL

    func resolve(_ p: String) -> String {
        p.hasPrefix("/") ? p : base.appendingPathComponent(p).standardizedFileURL.path
    }

    /// The resolved path at `key` (nil when absent); a missing file or folder, or one of the
    /// wrong kind, is reported at `key`.
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
}

// Each settings group overrides its fields from its section of the file, keeping the current
// value (the default) for keys the file leaves out, checks ranges, and reports unknown keys.

extension FeatureSettings {
    mutating func override(from f: ConfigReader) {
        stages = f.strings("stages", default: stages)
        for (i, s) in stages.enumerated() where !Self.knownStages.contains(s) {
            f.fail("stages[\(i)]", "unknown stage '\(s)'; expected one of \(Self.knownStages.joined(separator: ", "))")
        }
        if stages.isEmpty { f.fail("stages", "must name at least one stage") }
        separateBandwidths = f.bool("separate_bandwidths", default: separateBandwidths)
        if let c = f.object("crops") {
            let classes = c.strings("classes", default: [])
            if classes.isEmpty { c.fail("classes", "must name at least one class to crop") }
            let cropStages = c.strings("stages", default: ["pooled"])
            for (i, s) in cropStages.enumerated() where !Self.knownStages.contains(s) {
                c.fail("stages[\(i)]", "unknown stage '\(s)'; expected one of \(Self.knownStages.joined(separator: ", "))")
            }
            if cropStages.isEmpty { c.fail("stages", "must name at least one stage") }
            let anchor = c.string("anchor", default: ObjectCrops.Anchor.centroid.rawValue, oneOf: ObjectCrops.Anchor.allCases.map(\.rawValue))
            let extent = c.has("extent") ? c.double("extent", default: 1, min: 0, exclusiveMin: true) : nil
            if extent != nil && anchor != ObjectCrops.Anchor.frame.rawValue {
                c.fail("extent", "a window's extent in metres needs `anchor: frame` (anchors with a scale)")
            }
            crops = CropSettings(classes: classes, size: c.int("size", default: 32, min: 8, max: 4096), stages: cropStages,
                                 anchor: ObjectCrops.Anchor(rawValue: anchor) ?? .centroid, extent: extent)
            c.finish()
        }
        f.finish()
    }
}

extension MMDSettings {
    mutating func override(from m: ConfigReader) {
        scales = m.doubles("scales", default: scales.map(Double.init)).map(Float.init)
        if scales.isEmpty || scales.contains(where: { $0 <= 0 }) { m.fail("scales", "must be a non-empty list of positive numbers") }
        unbiased = m.bool("unbiased", default: unbiased)
        bankSize = m.int("bank_size", default: bankSize, min: 2)
        maxSamples = m.int("max_samples", default: maxSamples, min: 2)
        m.finish()
    }
}

extension TransformerSettings {
    mutating func override(from t: ConfigReader) {
        let widths = t.doubles("hidden", default: hidden.map(Double.init))
        if widths.isEmpty || widths.contains(where: { $0 < 1 || $0 != $0.rounded() }) {
            t.fail("hidden", "must be a non-empty list of positive integers")
        } else {
            hidden = widths.map { Int($0) }
        }
        ignoreClasses = t.strings("ignore_classes", default: ignoreClasses)
        ignoreAttributes = t.strings("ignore_attributes", default: ignoreAttributes)
        residual = t.bool("residual", default: residual)
        blindSpread = t.double("blind_spread", default: blindSpread, min: 0, max: 1)
        if blindSpread > 0 && ignoreAttributes.isEmpty {
            t.fail("blind_spread", "spreads the attributes of ignore_attributes, which lists none")
        }
        t.finish()
    }
}

extension ReconstructionSettings {
    mutating func override(from r: ConfigReader) {
        maxSteps = r.int("max_steps", default: maxSteps, min: 0)
        threshold = r.double("threshold", default: threshold, min: 0)
        learningRate = r.double("learning_rate", default: learningRate, min: 0, exclusiveMin: true)
        batchSize = r.int("batch_size", default: batchSize, min: 1)
        freezeEncoder = r.bool("freeze_encoder", default: freezeEncoder)
        r.finish()
    }
}

extension MatchingSettings {
    mutating func override(from m: ConfigReader) {
        epochs = m.int("epochs", default: epochs, min: 0)
        phaseSearch = m.int("phase_search", default: phaseSearch, min: 0, max: 360)
        if let readers = m.objects("start_search") { startSearches = readers.map(StartSearchSettings.init(from:)) }
        stepsPerEpoch = m.int("steps_per_epoch", default: stepsPerEpoch, min: 1)
        batchSize = m.int("batch_size", default: batchSize, min: 2)
        learningRate = m.double("learning_rate", default: learningRate, min: 0, exclusiveMin: true)
        learningRateDecay = m.double("learning_rate_decay", default: learningRateDecay, min: 0, max: 1, exclusiveMin: true)
        mmdWeight = m.double("mmd_weight", default: mmdWeight, min: 0)
        if m.has("mmd_attributes") { mmdAttributes = m.attributeNames("mmd_attributes") }
        holdWeight = m.double("hold_weight", default: holdWeight, min: 0)
        m.finish()
    }
}

extension StartSearchSettings {
    /// `matching.start_search` (or one item of its list): `attributes` (names, each once),
    /// `points` (one count ≥ 2 per attribute, at most `maxCandidates` combinations), `span`
    /// (optional, one fraction in (0, 1] per attribute), `spreads` (optional, 1…`maxSpreads`
    /// shares in (0, 1]), `refine`
    /// (1…`maxRefined`), `refine_steps` (1…`ExperimentLimits.steps`), `batch_size`
    /// (2…`ExperimentLimits.batchSize`), `image_terms_only` and `mirror_term` (bools), `score` (`mmd`, `task`, `boxes` or `box_shading`)
    /// and, with `score: task`, `task_epochs` (1…`ExperimentLimits.steps`) and `task_metric`.
    /// Names are checked against the grammar when the trainer is built; the metric and the
    /// validation set by `Experiment.crossCheckProblems`.
    init(from r: ConfigReader) {
        attributes = r.strings("attributes", default: [])
        let counts = r.doubles("points", default: [])
        points = counts.map { $0.isFinite && $0.rounded() == $0 && abs($0) < 1e9 ? Int($0) : 0 }
        if !r.has("attributes") { r.fail("attributes", "missing: the attributes to search over") }
        if attributes.isEmpty && r.has("attributes") { r.fail("attributes", "must name at least one attribute") }
        if Set(attributes).count != attributes.count { r.fail("attributes", "names an attribute more than once") }
        if !r.has("points") { r.fail("points", "missing: grid points per attribute") }
        else if points.count != attributes.count {
            r.fail("points", "must give one count per attribute (\(attributes.count)), got \(points.count)")
        } else if let bad = points.first(where: { $0 < 2 }) {
            r.fail("points", "each count must be an integer ≥ 2, got \(bad == 0 ? "a non-integer or 0" : String(bad))")
        } else if points.reduce(1.0, { $0 * Double($1) }) > Double(Self.maxCandidates) {
            r.fail("points", "\(points.map(String.init).joined(separator: " × ")) combinations: at most \(Self.maxCandidates)")
        }
        if r.has("span") {
            let spans = r.doubles("span", default: [])
            if spans.count != attributes.count {
                r.fail("span", "must give one fraction per attribute (\(attributes.count)), got \(spans.count)")
            } else if let bad = spans.first(where: { !($0 > 0 && $0 <= 1) }) {
                r.fail("span", "each fraction of the range must be in (0, 1], got \(bad)")
            } else {
                span = spans
            }
        }
        if r.has("spreads") {
            let levels = r.doubles("spreads", default: [])
            if levels.isEmpty || levels.count > Self.maxSpreads {
                r.fail("spreads", "must list 1 to \(Self.maxSpreads) shares of the prior's spread, got \(levels.count)")
            } else if let bad = levels.first(where: { !($0 > 0 && $0 <= 1) }) {
                r.fail("spreads", "each share of the prior's spread must be in (0, 1], got \(bad)")
            } else if points.reduce(Double(levels.count), { $0 * Double($1) }) > Double(Self.maxCandidates) {
                r.fail("spreads", "\((points + [levels.count]).map(String.init).joined(separator: " × ")) combinations: at most \(Self.maxCandidates)")
            } else {
                spreads = levels
            }
        }
        refine = r.int("refine", default: refine, min: 1, max: Self.maxRefined)
        refineSteps = r.int("refine_steps", default: refineSteps, min: 1, max: ExperimentLimits.steps)
        if r.has("batch_size") { batchSize = r.int("batch_size", default: 2, min: 2, max: ExperimentLimits.batchSize) }
        imageTermsOnly = r.bool("image_terms_only", default: imageTermsOnly)
        mirrorTerm = r.bool("mirror_term", default: mirrorTerm)
        score = StartSearchScore(rawValue: r.string("score", default: score.rawValue, oneOf: StartSearchScore.allCases.map(\.rawValue))) ?? score
        if r.has("task_epochs") { taskEpochs = r.int("task_epochs", default: 1, min: 1, max: ExperimentLimits.steps) }
        if r.has("task_metric") { taskMetric = r.string("task_metric") }
        for key in ["task_epochs", "task_metric"] where r.has(key) && score != .task {
            r.fail(key, "only for a search with `score: task`")
        }
        if mirrorTerm && score != .mmd { r.fail("mirror_term", "only for a search with `score: mmd`") }
        if imageTermsOnly && score != .mmd { r.fail("image_terms_only", "only for a search with `score: mmd`") }
        r.finish()
    }
}

extension TaskSettings {
    /// The `task` section; its `enabled` key is read by the caller.
    mutating func override(from t: ConfigReader) {
        sigma = t.double("sigma", default: sigma, min: 0, exclusiveMin: true)
        weight = t.double("weight", default: weight, min: 0)
        images = t.int("images", default: images, min: 1)
        every = t.int("every", default: every, min: 1)
        let name = t.string("estimator", default: estimator.rawValue, oneOf: TaskEstimator.allCases.map(\.rawValue))
        estimator = TaskEstimator(rawValue: name) ?? estimator
        pairs = t.int("pairs", default: pairs, min: 1)
        fineTune = t.bool("fine_tune", default: fineTune)
        if t.has("metric") { metric = t.string("metric") }
        if t.has("attributes") { attributes = t.attributeNames("attributes") }
        t.finish()
    }
}

extension TaskNetworkSettings {
    mutating func override(from n: ConfigReader) {
        let name = n.string("kind", default: kind.rawValue, oneOf: TaskKind.allCases.map(\.rawValue))
        kind = TaskKind(rawValue: name) ?? kind
        if n.has("classes") {
            let list = n.strings("classes", default: [])
            if list.isEmpty || Set(list).count != list.count { n.fail("classes", "must be a non-empty list of distinct class names") }
            classes = list
        } else if kind == .segmentation {
            n.fail("classes", "missing: segmentation needs its class list, background class first")
        } else if kind == .detection {
            n.fail("classes", "missing: detection needs the classes to detect (for example [car])")
        }
        trainImages = n.int("train_images", default: trainImages, min: 1)
        epochs = n.int("epochs", default: epochs, min: 1)
        batchSize = n.int("batch_size", default: batchSize, min: 1)
        learningRate = n.double("learning_rate", default: learningRate, min: 0, exclusiveMin: true)
        if n.has("width") { width = n.int("width", default: 0, min: 1) }
        oracle = n.bool("oracle", default: oracle)
        pairedOracle = n.bool("paired_oracle", default: pairedOracle)
        if pairedOracle && !oracle { n.fail("paired_oracle", "pairs the oracle's training scenes with the generated ones: it needs oracle: true") }
        repeats = n.int("repeats", default: repeats, min: 1)
        let schedule = n.string("learning_rate_schedule", default: training.schedule.rawValue,
                                oneOf: LearningRateSchedule.allCases.map(\.rawValue))
        training.schedule = LearningRateSchedule(rawValue: schedule) ?? training.schedule
        if n.has("crop") {
            let crop = n.int("crop", default: 0, min: 4)
            if kind != .segmentation {
                n.fail("crop", "random crops are for a segmentation network, not \(kind.rawValue)")
            } else if crop % 4 != 0 {
                n.fail("crop", "must be a multiple of 4 (the segmenter pools twice), got \(crop)")
            }
            training.crop = crop
        }
        training.horizontalFlip = n.bool("horizontal_flip", default: training.horizontalFlip)
        if n.has("class_weights") {
            let weights = n.doubles("class_weights", default: [])
            if kind == .detection {
                n.fail("class_weights", "class weights are for classification or segmentation, not detection")
            } else if classes == nil {
                n.fail("class_weights", "needs `classes` (one weight per class, in that order)")
            } else if let classes, weights.count != classes.count {
                n.fail("class_weights", "\(weights.count) weights for \(classes.count) classes (\(classes.joined(separator: ", ")))")
            } else if !weights.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 1000 }) || !weights.contains(where: { $0 > 0 }) {
                n.fail("class_weights", "must be numbers in [0, 1000], at least one above 0")
            }
            training.classWeights = weights.map(Float.init)
        }
        n.finish()
    }
}

extension ExternalRendererSettings {
    mutating func override(from r: ConfigReader) {
        command = r.strings("command", default: command)
        if command.isEmpty { r.fail("command", "missing: the program to run and its arguments, as a list") }
        timeout = r.double("timeout", default: timeout, min: 0, exclusiveMin: true)
        step = r.double("fd_step", default: step, min: 0, exclusiveMin: true)
        workers = r.int("workers", default: workers, min: 1)
        r.finish()
    }
}

extension ExternalRendererSettings {
    /// The `renderer:` section of the experiment file at `path` alone (the rest of the file is
    /// not read), for commands that render without training (`metasim render`, `generate`),
    /// with `workers` overriding `renderer.workers` when given. Throws `InputErrors` (file and
    /// field) when the file has no `renderer` section, it is malformed, past
    /// `ExperimentLimits.rendererWorkers`, or its program cannot be started.
    public static func load(experimentFile path: String, workers: Int? = nil,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ExternalRendererSettings {
        let reader = try ConfigReader.load(URL(fileURLWithPath: path))
        var settings = ExternalRendererSettings(command: [])
        if let r = reader.object("renderer") {
            settings.override(from: r)
        } else {
            reader.fail("renderer", "missing: the external renderer (command, timeout, fd_step, workers)")
        }
        if let workers { settings.workers = workers }
        if settings.workers < 1 || settings.workers > ExperimentLimits.rendererWorkers {
            reader.fail("renderer.workers", "must be in 1...\(ExperimentLimits.rendererWorkers), got \(settings.workers)")
        }
        if reader.errors.isEmpty, let problem = programProblem(settings.command, environment: environment) {
            reader.fail("renderer.command", problem)
        }
        if !reader.errors.isEmpty { throw InputErrors(reader.errors) }
        return settings
    }
}

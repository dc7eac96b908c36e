import Codecs
import Foundation
import Render
import Scene

/// The end of a run: task networks trained on prior-grammar data, on learned data and (the
/// ceiling) on target data, scored on the held-out labelled target test set, and what the
/// generator learned.
///
/// Encodes flat: `prior_<metric>`, `metasim_<metric>` and `oracle_<metric>` for each task metric
/// (`prior_target_accuracy`, `metasim_target_accuracy` for classification; `prior_mean_iou`,
/// `prior_car_iou`, … for segmentation; `prior_ap_moderate`, … for detection; fractions 0–1;
/// means over `task_network.repeats` trainings, each repeat's in `<side>_<metric>_runs`),
/// `oracle_source`, the attribute means and quantiles (`attribute_quantile_levels`), counts and
/// `wall_seconds`.
public struct RunResults: Encodable, Sendable {
    /// The experiment's name.
    public var experiment: String
    /// Task metrics of the network trained on prior-grammar data; empty without a test set.
    public var priorScores: [String: Double] = [:]
    /// The same with data from the learned generator.
    public var metasimScores: [String: Double] = [:]
    /// The same with target data (the oracle: what perfect matching would give); empty without
    /// a test set, with `task_network.oracle: false`, or when there is no target data to train
    /// on (a folder target without a labelled validation set).
    public var oracleScores: [String: Double] = [:]
    /// With `task_network.repeats` > 1, each repeat's scores (the `*Scores` are their means),
    /// in repeat order; empty for a single training. Encoded as `prior_<metric>_runs`, … lists.
    public var priorScoreRuns: [[String: Double]] = []
    /// See `priorScoreRuns`.
    public var metasimScoreRuns: [[String: Double]] = []
    /// See `priorScoreRuns`.
    public var oracleScoreRuns: [[String: Double]] = []
    /// What the oracle was trained on: `target_grammar` (`oracleTrainImages` fresh samples of
    /// the target grammar), `target_grammar_paired` (the prior arm's scene graphs with their
    /// mutable attributes drawn from the target grammar, `task_network.paired_oracle`) or
    /// `target_validation` (the labelled target validation images, for as many optimiser steps
    /// as the generated-data networks); nil without an oracle.
    public var oracleSource: String?
    /// Images the oracle was trained on (0 without an oracle).
    public var oracleTrainImages: Int = 0
    /// Mean of each mutable attribute (attribute units; circular for angles) in prior data, in
    /// learned data, and in the target when it was rendered from a grammar.
    public var priorAttributeMeans: [String: Double] = [:]
    /// The same means in data from the learned generator.
    public var learnedAttributeMeans: [String: Double] = [:]
    /// The same means in the target; nil unless the target was rendered from a grammar.
    public var targetAttributeMeans: [String: Double]?
    /// Quantiles at `attributeQuantileLevels` of each mutable attribute (`attributeQuantiles`)
    /// in prior data, learned data and (when rendered from a grammar) the target.
    public var priorAttributeQuantiles: [String: [Double]] = [:]
    /// The same quantiles in learned data.
    public var learnedAttributeQuantiles: [String: [Double]] = [:]
    /// The same quantiles in the target; nil unless the target was rendered from a grammar.
    public var targetAttributeQuantiles: [String: [Double]]?
    /// Generated images each final task network was trained on.
    public var trainImages: Int
    /// Labelled target test images the scores are measured on (0 without a test set).
    public var testImages: Int
    /// Wall-clock seconds of the run up to its results, earlier processes of a resumed run included.
    public var wallSeconds: Double = 0
    /// Kernel inception distance (`kernelInceptionDistance`, in `kidFeatures`) of prior-grammar
    /// and of learned images to the target images; nil when fewer than 2 images of either.
    public var priorKID: Double?
    /// See `priorKID`.
    public var metasimKID: Double?
    /// Images per set the KIDs used.
    public var kidImages: Int = 0
    /// The features the KIDs were computed in: `efficientnet_lite0.pooled` (φ's network's pooled
    /// 1280-d output, as KID uses Inception's pool3) or `phi` (a custom φ); nil without KIDs.
    public var kidFeatures: String?

    struct Key: CodingKey {
        var stringValue: String
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    /// Writes the flat snake_case keys described on the type (`target_attribute_means` only when set).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(experiment, forKey: Key("experiment"))
        for (name, value) in priorScores { try c.encode(value, forKey: Key("prior_\(name)")) }
        for (name, value) in metasimScores { try c.encode(value, forKey: Key("metasim_\(name)")) }
        for (name, value) in oracleScores { try c.encode(value, forKey: Key("oracle_\(name)")) }
        for (side, runs) in [("prior", priorScoreRuns), ("metasim", metasimScoreRuns), ("oracle", oracleScoreRuns)] {
            for name in runs.first?.keys.sorted() ?? [] {
                try c.encode(runs.compactMap { $0[name] }, forKey: Key("\(side)_\(name)_runs"))
            }
        }
        try c.encodeIfPresent(oracleSource, forKey: Key("oracle_source"))
        if oracleSource != nil { try c.encode(oracleTrainImages, forKey: Key("oracle_train_images")) }
        try c.encode(priorAttributeMeans, forKey: Key("prior_attribute_means"))
        try c.encode(learnedAttributeMeans, forKey: Key("learned_attribute_means"))
        try c.encodeIfPresent(targetAttributeMeans, forKey: Key("target_attribute_means"))
        try c.encode(attributeQuantileLevels, forKey: Key("attribute_quantile_levels"))
        try c.encode(priorAttributeQuantiles, forKey: Key("prior_attribute_quantiles"))
        try c.encode(learnedAttributeQuantiles, forKey: Key("learned_attribute_quantiles"))
        try c.encodeIfPresent(targetAttributeQuantiles, forKey: Key("target_attribute_quantiles"))
        try c.encode(trainImages, forKey: Key("train_images"))
        try c.encode(testImages, forKey: Key("test_images"))
        try c.encode(wallSeconds, forKey: Key("wall_seconds"))
        try c.encodeIfPresent(priorKID, forKey: Key("prior_kid"))
        try c.encodeIfPresent(metasimKID, forKey: Key("metasim_kid"))
        try c.encode(kidImages, forKey: Key("kid_images"))
        try c.encodeIfPresent(kidFeatures, forKey: Key("kid_features"))
    }
}

extension RunResults {
    /// What an oracle from `source` (`oracleSource`) on `images` images was trained on, in words.
    public static func describeOracleData(source: String, images: Int) -> String {
        switch source {
        case "target_grammar": return "\(images) fresh images of the target grammar"
        case "target_grammar_paired": return "\(images) images of the target grammar sharing the prior arm's scene structures"
        default: return "the \(images) labelled target validation images (no target grammar), as many steps"
        }
    }
}

extension MetaSimTrainer {
    /// Runs every stage and the final comparison — after a `resume(from:)`, only what the
    /// checkpoint had not done — hands the results to the sink (a run folder's `results.json`),
    /// then saves the latest state once more marked `complete` (the last thing written), and
    /// returns the results.
    public func run() throws -> RunResults {
        try sink.writeSettings(experiment.settingsSummary)
        if completedStage == nil { try reconstruct() }
        if completedStage == "reconstruction" {
            let shifts = try startShifts()
            stageOneShifts = shifts
            if !shifts.isEmpty { try reconstruct(shifts: shifts) }
        }
        try match()
        let results = try evaluate()
        try sink.writeResults(results)
        var final = state(stage: completedStage ?? "reconstruction", epoch: completedEpochs)
        final.complete = true
        try sink.saveCheckpoint(TrainingCheckpoint(state: final, weights: transformer.state, optimizer: lastOptimizer), epoch: nil)
        return results
    }

    /// Trains the task network on `taskNetwork.trainImages` prior samples and on the same
    /// samples through the learned transformer (from a seed training never used), and — unless
    /// `task_network.oracle` is false — on target data (`oracleData`), and scores each on the
    /// target test set. With `task_network.repeats` = K > 1 each of the three is trained K times,
    /// repeat r on samples and network initialisation from seed `repeatSeed(r)` (repeat 0's is
    /// that of a single training, so its figures equal a K = 1 run's) and the oracle on the
    /// r-th block of fresh target-grammar samples; the scores are the means over the repeats,
    /// each repeat's kept in `*ScoreRuns`. Attribute statistics, grids and KIDs come from repeat 0.
    public func evaluate() throws -> RunResults {
        let settings = experiment.taskNetwork
        let generator = self.generator
        // Without a test set nothing is trained: one pass gives the statistics, grids and KIDs.
        let repeats = target.test == nil ? 1 : max(1, settings.repeats)
        var results = RunResults(experiment: experiment.name, trainImages: settings.trainImages, testImages: target.test?.count ?? 0)
        if !target.graphs.isEmpty {
            results.targetAttributeMeans = attributeMeans(of: target.graphs, onlyMutableNodes: false)
            results.targetAttributeQuantiles = attributeQuantiles(of: target.graphs, onlyMutableNodes: false)
        }
        var priorRuns: [[String: Double]] = [], metasimRuns: [[String: Double]] = [], oracleRuns: [[String: Double]] = []
        for r in 0..<repeats {
            let seed = repeatSeed(r)
            let suffix = repeats > 1 ? " (repeat \(r + 1)/\(repeats))" : ""
            var priorGraphs: [SceneGraph] = []
            for learned in [false, true] {
                let samples = try generator.generate(count: settings.trainImages, seed: seed, learned: learned)
                // The paired oracle's scenes: the prior arm's graphs (kept only when it is on).
                if !learned && settings.pairedOracle { priorGraphs = samples.map(\.graph) }
                if r == 0 { try describe(samples, learned: learned, into: &results) }
                guard let test = target.test else { continue }
                let data = try TaskSet(rendered: samples.map(\.rendered), kind: test.kind, classes: test.classes,
                                       rendererClasses: renderer.classes, source: grammar.file)
                let scores = trainAndScore(data, epochs: settings.epochs, test: test, name: (learned ? "learned" : "prior") + suffix, seed: seed)
                if learned { metasimRuns.append(scores) } else { priorRuns.append(scores) }
            }
            if settings.oracle, let test = target.test,
               let oracle = try oracleData(test: test, block: r, pairedWith: settings.pairedOracle ? (priorGraphs, seed) : nil) {
                oracleRuns.append(trainAndScore(oracle.data, epochs: oracle.epochs, test: test, name: "oracle" + suffix, seed: seed))
                results.oracleSource = oracle.source
                results.oracleTrainImages = oracle.data.count
            }
        }
        results.priorScores = meanScores(priorRuns)
        results.metasimScores = meanScores(metasimRuns)
        results.oracleScores = meanScores(oracleRuns)
        if repeats > 1 {
            results.priorScoreRuns = priorRuns
            results.metasimScoreRuns = metasimRuns
            results.oracleScoreRuns = oracleRuns
        }
        results.wallSeconds = seconds
        return results
    }

    /// Records what `samples` (prior or, when `learned`, learned data) look like: attribute
    /// means and quantiles, the first 64 as the `prior` / `learned` grid, and their KID to the
    /// target.
    private func describe(_ samples: [(graph: SceneGraph, rendered: RenderedImage)], learned: Bool, into results: inout RunResults) throws {
        let graphs = samples.map(\.graph)
        if learned {
            results.learnedAttributeMeans = attributeMeans(of: graphs)
            results.learnedAttributeQuantiles = attributeQuantiles(of: graphs)
        } else {
            results.priorAttributeMeans = attributeMeans(of: graphs)
            results.priorAttributeQuantiles = attributeQuantiles(of: graphs)
        }
        try writeGrid(name: learned ? "learned" : "prior", images: tensor(samples.prefix(64).map(\.rendered.image)))
        if let kid = kid(samples.map(\.rendered.image)) {
            results.kidImages = kid.images
            results.kidFeatures = kidFeatures.name
            if learned { results.metasimKID = kid.value } else { results.priorKID = kid.value }
        }
    }

    /// The seed of the final comparison's repeat `r` (`task_network.repeats`): its generated
    /// samples and its networks' initialisation. Repeat 0 keeps the single comparison's seed.
    func repeatSeed(_ r: Int) -> UInt64 {
        (experiment.seed &+ 0x5EED) &+ UInt64(r) &* 0x9E37_79B9_7F4A_7C15
    }

    /// The oracle's training data: `taskNetwork.trainImages` fresh samples of the target
    /// grammar (block `block` of that many after the indices the target set used) for
    /// `taskNetwork.epochs` — or, given `pairedWith` (`task_network.paired_oracle`), its
    /// `graphs` with their mutable attributes drawn from the target grammar (graph i from
    /// stream index i of `seed`) — or, for a target without a grammar, the labelled target
    /// validation set (relabelled to the test set's classes; the same for every block), for as
    /// many epochs as give the same number of optimiser steps as the generated-data networks
    /// take. Nil when neither exists. Throws rendering errors.
    func oracleData(test: TaskSet, block: Int = 0, pairedWith paired: (graphs: [SceneGraph], seed: UInt64)? = nil) throws
        -> (data: TaskSet, epochs: Int, source: String)? {
        let settings = experiment.taskNetwork
        if let source = target.grammar {
            let assets = source.grammar.assetRegistry()
            let renderer = try source.grammar.makeRenderer(assets: assets)
            let rendered: [RenderedImage]
            if let paired {
                let graphs = paired.graphs.enumerated().map { source.grammar.redrawingMutableAttributes(of: $1, seed: paired.seed, index: $0) }
                rendered = try source.grammar.render(graphs, with: renderer)
            } else {
                rendered = try Generator(grammar: source.grammar, assets: assets, transformer: nil, renderer: renderer)
                    .generate(count: settings.trainImages, seed: source.seed, start: source.used + block * settings.trainImages, learned: false)
                    .map(\.rendered)
            }
            let data = try TaskSet(rendered: rendered, kind: test.kind, classes: test.classes,
                                   rendererClasses: renderer.classes, source: source.grammar.file)
            return (data, settings.epochs, paired == nil ? "target_grammar" : "target_grammar_paired")
        }
        guard let validation = target.validation?.relabelled(to: test.classes) else { return nil }
        let steps = settings.epochs * batchCount(settings.trainImages, batchSize: settings.batchSize)
        let epochs = max(1, (steps + batchCount(validation.count, batchSize: settings.batchSize) - 1)
                         / batchCount(validation.count, batchSize: settings.batchSize))
        return (validation, min(epochs, ExperimentLimits.steps), "target_validation")
    }

    /// Each score's mean over `runs` (which share their keys); empty for no runs.
    func meanScores(_ runs: [[String: Double]]) -> [String: Double] {
        guard let first = runs.first else { return [:] }
        return first.keys.reduce(into: [:]) { means, name in
            let values = runs.compactMap { $0[name] }
            means[name] = values.reduce(0, +) / Double(values.count)
        }
    }

    /// A task network (seed `seed`) trained on `data` for `epochs` with the experiment's task
    /// network settings, scored on `test`, with a progress bar naming the data.
    func trainAndScore(_ data: TaskSet, epochs: Int, test: TaskSet, name: String, seed: UInt64) -> [String: Double] {
        let settings = experiment.taskNetwork
        let network = TaskNetwork(kind: test.kind, canvas: grammar.canvas, classes: test.classes, seed: seed,
                                  width: settings.width)
        let progress = self.progress.start("task network on \(name) data", total: epochs * batchCount(data.count, batchSize: settings.batchSize))
        network.train(on: data, epochs: epochs, batchSize: settings.batchSize, learningRate: Float(settings.learningRate), seed: seed,
                      options: settings.training) { loss in
            progress.advance(status: String(format: "loss %.3f", loss))
        }
        let scores = network.scores(on: test)
        progress.finish(status: String(format: "target-test %@ %.3f", network.primaryMetric, scores[network.primaryMetric] ?? 0))
        return scores
    }
}

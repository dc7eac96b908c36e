import Codecs
import Foundation
import Render
import Scene

/// The end of a run: task networks trained on prior-grammar data and on learned data, scored
/// on the held-out labelled target test set, and what the generator learned.
///
/// Encodes flat: `prior_<metric>` and `metasim_<metric>` for each task metric
/// (`prior_target_accuracy`, `metasim_target_accuracy` for classification; `prior_mean_iou`,
/// `prior_car_iou`, … for segmentation; `prior_ap_moderate`, … for detection; fractions 0–1),
/// `oracle_<metric>` when the task network was also trained on target-grammar data, the
/// attribute means, counts and `wall_seconds`.
public struct RunResults: Encodable, Sendable {
    /// The experiment's name.
    public var experiment: String
    /// Task metrics of the network trained on prior-grammar data; empty without a test set.
    public var priorScores: [String: Double] = [:]
    /// The same with data from the learned generator.
    public var metasimScores: [String: Double] = [:]
    /// The same with target-grammar data (`task_network.oracle`); empty otherwise.
    public var oracleScores: [String: Double] = [:]
    /// Mean of each mutable attribute (attribute units; circular for angles) in prior data, in
    /// learned data, and in the target when it was rendered from a grammar.
    public var priorAttributeMeans: [String: Double] = [:]
    /// The same means in data from the learned generator.
    public var learnedAttributeMeans: [String: Double] = [:]
    /// The same means in the target; nil unless the target was rendered from a grammar.
    public var targetAttributeMeans: [String: Double]?
    /// Generated images each final task network was trained on.
    public var trainImages: Int
    /// Labelled target test images the scores are measured on (0 without a test set).
    public var testImages: Int
    /// Wall-clock seconds of the run up to its results, earlier processes of a resumed run included.
    public var wallSeconds: Double = 0
    /// Kernel inception distance (`kernelInceptionDistance`, φ of the run) of prior-grammar and
    /// of learned images to the target images; nil when fewer than 2 images of either.
    public var priorKID: Double?
    public var metasimKID: Double?
    /// Images per set the KIDs used.
    public var kidImages: Int = 0

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
        try c.encode(priorAttributeMeans, forKey: Key("prior_attribute_means"))
        try c.encode(learnedAttributeMeans, forKey: Key("learned_attribute_means"))
        try c.encodeIfPresent(targetAttributeMeans, forKey: Key("target_attribute_means"))
        try c.encode(trainImages, forKey: Key("train_images"))
        try c.encode(testImages, forKey: Key("test_images"))
        try c.encode(wallSeconds, forKey: Key("wall_seconds"))
        try c.encodeIfPresent(priorKID, forKey: Key("prior_kid"))
        try c.encodeIfPresent(metasimKID, forKey: Key("metasim_kid"))
        try c.encode(kidImages, forKey: Key("kid_images"))
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
            let shifts = try phaseSearch()
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
    /// samples through the learned transformer (from a seed training never used), and (with
    /// `target.oracle`) on target-grammar samples, and scores each on the target test set.
    public func evaluate() throws -> RunResults {
        let settings = experiment.taskNetwork
        let generator = self.generator
        let seed = experiment.seed &+ 0x5EED
        var results = RunResults(experiment: experiment.name,
                                 targetAttributeMeans: target.graphs.isEmpty ? nil : attributeMeans(of: target.graphs, onlyMutableNodes: false),
                                 trainImages: settings.trainImages, testImages: target.test?.count ?? 0)
        for learned in [false, true] {
            let samples = try generator.generate(count: settings.trainImages, seed: seed, learned: learned)
            let means = attributeMeans(of: samples.map(\.graph))
            if learned { results.learnedAttributeMeans = means } else { results.priorAttributeMeans = means }
            try writeGrid(name: learned ? "learned" : "prior", images: tensor(samples.prefix(64).map(\.rendered.image)))
            if let kid = kid(samples.map(\.rendered.image)) {
                results.kidImages = kid.images
                if learned { results.metasimKID = kid.value } else { results.priorKID = kid.value }
            }
            guard let test = target.test else { continue }
            let data = try TaskSet(rendered: samples.map(\.rendered), kind: test.kind, classes: test.classes,
                                   rendererClasses: renderer.classes, source: grammar.file)
            let scores = trainTaskNetwork(on: data, name: learned ? "learned" : "prior", test: test, seed: seed)
            if learned { results.metasimScores = scores } else { results.priorScores = scores }
        }
        if let oracle = target.oracle, let test = target.test {
            results.oracleScores = trainTaskNetwork(on: oracle, name: "target-grammar", test: test, seed: seed)
        }
        results.wallSeconds = seconds
        return results
    }

    /// A task network trained from `seed` on `data` with the experiment's settings, scored on `test`.
    func trainTaskNetwork(on data: TaskSet, name: String, test: TaskSet, seed: UInt64) -> [String: Double] {
        let settings = experiment.taskNetwork
        let network = TaskNetwork(kind: test.kind, canvas: grammar.canvas, classes: test.classes, seed: seed)
        let batches = settings.epochs * batchCount(data.count, batchSize: settings.batchSize)
        let progress = self.progress.start("task network on \(name) data", total: batches)
        network.train(on: data, epochs: settings.epochs, batchSize: settings.batchSize,
                      learningRate: Float(settings.learningRate), seed: seed) { loss in
            progress.advance(status: String(format: "loss %.3f", loss))
        }
        let scores = network.scores(on: test)
        progress.finish(status: String(format: "target-test %@ %.3f", network.primaryMetric, scores[network.primaryMetric] ?? 0))
        return scores
    }
}

import Codecs
import Diagnostics
import Datasets
import Foundation
import Render
import Scene

/// The end of a run: task networks trained on prior-grammar data and on learned data, scored
/// on the held-out labelled target test set.
public struct RunResults: Codable, Sendable {
    public var experiment: String
    /// Target-test accuracy of a task network trained on prior-grammar data (0–1); nil without
    /// a labelled test set.
    public var priorTargetAccuracy: Double?
    /// The same with data from the learned generator.
    public var metasimTargetAccuracy: Double?
    /// Mean of each mutable attribute (attribute units; circular for angles) in prior data, in
    /// learned data, and in the target when it was rendered from a grammar.
    public var priorAttributeMeans: [String: Double]
    public var learnedAttributeMeans: [String: Double]
    public var targetAttributeMeans: [String: Double]?
    public var trainImages: Int
    public var testImages: Int
    public var wallSeconds: Double

    enum CodingKeys: String, CodingKey {
        case experiment, trainImages = "train_images", testImages = "test_images", wallSeconds = "wall_seconds"
        case priorTargetAccuracy = "prior_target_accuracy", metasimTargetAccuracy = "metasim_target_accuracy"
        case priorAttributeMeans = "prior_attribute_means", learnedAttributeMeans = "learned_attribute_means"
        case targetAttributeMeans = "target_attribute_means"
    }
}

extension MetaSimTrainer {
    /// Runs every stage and the final comparison; writes and returns `results.json`.
    public func run() throws -> RunResults {
        try reconstruct()
        try match()
        let results = try evaluate()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(results), to: runFolder.file("results.json"))
        return results
    }

    /// Trains the task network on `taskNetwork.trainImages` prior samples and on the same
    /// samples through the learned transformer (a seed training never used), and scores both on
    /// the target test set.
    public func evaluate() throws -> RunResults {
        let settings = experiment.taskNetwork
        let generator = Generator(grammar: grammar, assets: assets, transformer: transformer, renderer: renderer)
        let seed = experiment.seed &+ 0x5EED
        var results = RunResults(experiment: experiment.name, priorAttributeMeans: [:], learnedAttributeMeans: [:],
                                 targetAttributeMeans: target.graphs.isEmpty ? nil : attributeMeans(of: target.graphs, onlyMutableNodes: false),
                                 trainImages: settings.trainImages, testImages: target.test?.count ?? 0, wallSeconds: 0)
        for learned in [false, true] {
            let samples = try generator.generate(count: settings.trainImages, seed: seed, learned: learned)
            let means = attributeMeans(of: samples.map(\.graph))
            if learned { results.learnedAttributeMeans = means } else { results.priorAttributeMeans = means }
            try writeGrid(name: learned ? "learned" : "prior", images: tensor(samples.prefix(64).map(\.rendered.image)))
            guard let test = target.test else { continue }
            let data = try labelled(samples.map(\.rendered), classes: test.classes)
            let canvas = grammar.canvas
            let classifier = ImageClassifier(channels: canvas.channels, height: canvas.height, width: canvas.width,
                                             classes: test.classes, seed: seed)
            let batches = settings.epochs * ((data.count + settings.batchSize - 1) / settings.batchSize)
            let progress = ProgressBar("task network on \(learned ? "learned" : "prior") data", total: batches, quiet: quiet)
            classifier.train(on: data, epochs: settings.epochs, batchSize: settings.batchSize,
                             learningRate: Float(settings.learningRate), seed: seed) { loss in
                progress.advance(status: String(format: "loss %.3f", loss))
            }
            let accuracy = classifier.accuracy(on: test)
            progress.finish(status: String(format: "target-test accuracy %.3f", accuracy))
            if learned { results.metasimTargetAccuracy = accuracy } else { results.priorTargetAccuracy = accuracy }
        }
        results.wallSeconds = seconds
        return results
    }

    /// Rendered samples as a labelled set over `classes` (label: the one visible object's class).
    func labelled(_ rendered: [RenderedImage], classes: [String]) throws -> LabelledImages {
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let labels = try rendered.enumerated().map { i, r -> Int in
            let name = try DatasetLabel.resolve(nil, groundTruth: r.groundTruth, sample: i, directory: experiment.grammar)
            guard let label = index[name] else {
                throw InputError(file: experiment.file, path: "target.test",
                                 message: "generated class '\(name)' is not a class of the target test set (\(classes.joined(separator: ", ")))")
            }
            return label
        }
        return LabelledImages(images: tensor(rendered.map(\.image)), labels: labels, classes: classes)
    }
}

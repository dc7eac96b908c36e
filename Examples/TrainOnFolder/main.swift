// Example: train Meta-Sim on your own folder of target images.
//
//   swift run TrainOnFolder TARGET_FOLDER [--epochs E] [--steps N] [--batch B] [--lr RATE]
//                           [--features centroid|efficientnet] [--stages S1,S2] [--out RUN]
//
// The experiment is built in code: a prior grammar (one white 8-px square at (20, 20) on a black
// 32x32 canvas; the model may move it), the target images read from TARGET_FOLDER (PNG/JPEG,
// resized to 32x32 grey), tiny settings. φ is, by default, each image's intensity centroid and
// mean (no weights needed, converges in seconds); `--features efficientnet` uses
// EfficientNet-Lite0 stages (`--stages group2,group3`; weights from METASIM_EFFICIENTNET or the
// repository's data/), which needs longer schedules than these tiny defaults (more --epochs and
// --steps, a smaller --lr). The run stays in memory, or writes a run folder (checkpoints,
// metrics.jsonl, grids) with --out. Prints the mutable attributes' means before and after
// training. Try it on squares at x = 8, y = 16:
//   swift run RenderFromCode --grammar examples/grammars/shapes.yaml --count 32 --out /tmp/squares
//   swift run TrainOnFolder /tmp/squares/images
import Foundation
import Grammar
import MetaSim

let priorText = """
    canvas: {width: 32, height: 32, channels: 1}
    root: Image
    rules:
      Image:
        children: [Background, Square]
      Background:
        attributes:
          background: constant
          texture: 0
      Square:
        class: square
        attributes:
          shape: rectangle
          texture: 1
          size: {constant: 8, range: [0, 32]}
          loc_x: {constant: 20, range: [0, 32], mutable: true}
          loc_y: {constant: 20, range: [0, 32], mutable: true}
    """

struct ExampleError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

let usage = "usage: TrainOnFolder TARGET_FOLDER [--epochs E] [--steps N] [--batch B] [--lr RATE] [--features centroid|efficientnet] [--stages S1,S2] [--out RUN]"

/// The target folder and `--name value` pairs from the command line.
func arguments() throws -> (folder: String, options: [String: String]) {
    var args = CommandLine.arguments.dropFirst()
    guard let folder = args.popFirst(), !folder.hasPrefix("--") else { throw ExampleError(usage) }
    var options: [String: String] = [:]
    while let name = args.popFirst() {
        guard name.hasPrefix("--"), let value = args.popFirst() else { throw ExampleError(usage) }
        options[String(name.dropFirst(2))] = value
    }
    return (folder, options)
}

func formatted(_ means: [String: Double]) -> String {
    means.sorted { $0.key < $1.key }.map { String(format: "%@ %.2f", $0.key, $0.value) }.joined(separator: ", ")
}

do {
    let (folder, opts) = try arguments()
    func count(_ name: String, _ value: Int) throws -> Int {
        guard let text = opts[name] else { return value }
        guard let n = Int(text), n >= 1 else { throw ExampleError("--\(name) must be a positive integer") }
        return n
    }

    let grammar = try Grammar.parse(text: priorText, file: "TrainOnFolder prior")
    var experiment = Experiment(grammar: grammar.file, target: .folders(images: folder), name: "train-on-folder", seed: 1)
    experiment.features.stages = (opts["stages"] ?? "group2,group3").split(separator: ",").map(String.init)
    experiment.transformer.hidden = [16, 8, 16]
    experiment.reconstruction = ReconstructionSettings(maxSteps: 100, threshold: 1e-4, learningRate: 0.02, batchSize: 16)
    experiment.matching = MatchingSettings(phaseSearch: 0, epochs: try count("epochs", 2), stepsPerEpoch: try count("steps", 20),
                                           batchSize: max(2, try count("batch", 16)),
                                           learningRate: Double(opts["lr"] ?? "") ?? 0.02)
    experiment.taskNetwork.trainImages = 64

    let features: any FeatureNetwork
    switch opts["features"] ?? "centroid" {
    case "efficientnet": features = try ExperimentBuilder(experiment).featureNetwork()
    case "centroid": features = CentroidFeatures()
    case let other: throw ExampleError("--features must be centroid or efficientnet, got \(other)")
    }
    let target = try TargetSet.load(images: folder, canvas: grammar.canvas)
    let sink: any RunSink = try opts["out"].map { try FolderSink(creating: $0) } ?? MemorySink()
    let trainer = try MetaSimTrainer(experiment: experiment,
                                     parts: try TrainerParts(grammar: grammar, features: features, target: target),
                                     sink: sink, progress: TerminalProgress())
    let results = try trainer.run()
    print("target images: \(target.images.shape[0]) from \(folder)")
    print("prior means:   \(formatted(results.priorAttributeMeans))")
    print("learned means: \(formatted(results.learnedAttributeMeans))")
    if let out = opts["out"] { print("run folder: \(out)") }
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(2)
}

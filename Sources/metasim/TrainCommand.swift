import ArgumentParser
import Datasets
import Foundation
import MetaSim

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a Meta-Sim generator from an experiment file.",
        discussion: """
        Stage 1 teaches the distribution transformer to reproduce the prior grammar (re-centred \
        on the best of a few offsets of each wrapping attribute, such as an angle); stage 2 \
        matches the target images (MMD on EfficientNet-Lite0 features, gradients through the \
        renderer), with the task objective (REINFORCE) mixed in when the experiment has a `task` \
        section. RUN receives transformer.{safetensors,json} (latest), checkpoints/epoch-NNN.*, \
        metrics.jsonl, grids/*.png and, when the target has a labelled test set, results.json \
        comparing task networks trained on prior and on learned data. All inputs are checked \
        before any long work starts. See experiments/README.md for the experiment format.
        """)

    @Option(help: "The experiment file (YAML or JSON).") var config: String
    @Option(help: "The run folder to write.") var out: String
    @Flag(help: "No progress bars.") var quiet = false

    func run() throws {
        let trainer = try ExperimentBuilder(try Experiment.load(path: config)).makeTrainer(runDirectory: out, quiet: quiet)
        let results = try trainer.run()
        print(ResultsTable(results).text)
        print("run folder: \(out)")
    }
}

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Train the task network on one labelled folder and report accuracy on another.",
        discussion: """
        Both folders use the ImageFolder layout (one subfolder per class). Test images are resized \
        to the training images' size; classes are matched by folder name.
        """)

    @Option(help: "Labelled training folder.") var train: String
    @Option(help: "Labelled test folder.") var test: String
    @Option(help: "Training epochs.") var epochs = 3
    @Option(help: "Minibatch size.") var batchSize = 64
    @Option(help: "Adam learning rate.") var learningRate = 1e-3
    @Option(help: "Random seed (initial weights, shuffling).") var seed: UInt64 = 0
    @Flag(help: "Print the result as JSON.") var json = false
    @Flag(help: "No progress bars.") var quiet = false

    func validate() throws {
        guard epochs >= 1, batchSize >= 1, learningRate > 0 else {
            throw ValidationError("--epochs and --batch-size must be ≥ 1 and --learning-rate > 0")
        }
    }

    func run() throws {
        let result = try evaluateClassifier(trainFolder: train, testFolder: test, epochs: epochs, batchSize: batchSize,
                                            learningRate: Float(learningRate), seed: seed, quiet: quiet)
        if json {
            print(String(format: "{\"accuracy\": %.6f, \"test_images\": %d, \"train_images\": %d}", result.accuracy, result.testImages, result.trainImages))
        } else {
            print(String(format: "accuracy %.4f on %d test images (trained on %d)", result.accuracy, result.testImages, result.trainImages))
        }
    }
}

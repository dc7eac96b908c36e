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
        on the best point of the experiment's `matching.start_search` grid and on the best of a \
        few offsets of each other wrapping attribute, such as an angle); stage 2 \
        matches the target images (MMD on EfficientNet-Lite0 features, gradients through the \
        renderer), with the task objective (REINFORCE or antithetic attribute moves, `task.estimator`) mixed in when the experiment has a `task` \
        section. RUN receives transformer.{safetensors,json} (latest), checkpoints/epoch-NNN.*, \
        metrics.jsonl, grids/*.png, settings.json, tensorboard/ (events: `tensorboard --logdir RUN`), \
        report.html (`metasim report`) and, when the target has a labelled test set, results.json \
        comparing task networks trained on prior and on learned data; RUN/transformer.json says \
        "complete": true only once all of it is written. All inputs are checked before any long \
        work starts. RUN must be new or empty, unless --resume (continue a stopped or killed run \
        from its newest checkpoint: weights, optimiser, step, samples and random state, \
        metrics.jsonl cut back to it) or --overwrite (replace the run there; the old one is moved \
        to RUN.replaced-PID and deleted only when the new one completes). See \
        experiments/README.md for the experiment format.

        Example: metasim train --config experiments/mnist-rotation.yaml --out run
        """)

    @Option(help: "The experiment file (YAML or JSON).") var config: String
    @Option(help: "The run folder to write: new or empty (see --resume, --overwrite).") var out: String
    @Flag(help: "Continue the run in --out from its newest checkpoint (same experiment).") var resume = false
    @Flag(help: "Replace the run in --out (only deleted once the new run completes).") var overwrite = false
    @Flag(help: "No progress bars.") var quiet = false
    @Option(help: "Replaces the experiment's `seed` (generator samples, network initialisation; the target's own seed is kept): for runs over several seeds from one file. Give it again with --resume.")
    var seed: UInt64?

    func validate() throws {
        if resume && overwrite { throw ValidationError("--resume and --overwrite exclude each other") }
    }

    func run() throws {
        var experiment = try Experiment.load(path: config)
        if let seed { experiment.seed = seed }
        let (trainer, folder) = try ExperimentBuilder(experiment)
            .prepareRun(runDirectory: out, mode: resume ? .resume : overwrite ? .overwrite : .new, quiet: quiet)
        RunFolderNotes.announce(folder, out: out, resuming: resume)
        let results = try trainer.run()
        try folder.finish()
        try RunReport(folder: out).write()
        print(ResultsTable(results).text)
        print("run folder: \(out) (report: \(out)/report.html)")
    }
}

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Train the task network on one labelled folder and report accuracy on another.",
        discussion: """
        Both folders use the ImageFolder layout (one subfolder per class). Test images are resized \
        to the training images' size; classes are matched by folder name.

        Example: metasim evaluate --train learned --test target-test
        """)

    @Option(help: "Labelled training folder.") var train: String
    @Option(help: "Labelled test folder.") var test: String
    @Option(help: "Training epochs.") var epochs = 3
    @Option(help: "Minibatch size.") var batchSize = 64
    @Option(help: "Adam learning rate.") var learningRate = 1e-3
    @Option(help: "Random seed (initial weights, shuffling).") var seed: UInt64 = 0
    @Option(help: "Channels of the classifier's first convolution (default 32; cost grows with its square).") var width: Int?
    @Flag(help: "Print the result as JSON.") var json = false
    @Flag(help: "No progress bars.") var quiet = false

    func validate() throws {
        guard epochs >= 1, batchSize >= 1, learningRate.isFinite, learningRate > 0, learningRate <= ExperimentLimits.learningRate else {
            throw ValidationError("--epochs and --batch-size must be ≥ 1 and --learning-rate a finite number in (0, \(ExperimentLimits.learningRate)]")
        }
    }

    func run() throws {
        let result = try evaluateClassifier(trainFolder: train, testFolder: test, epochs: epochs, batchSize: batchSize,
                                            learningRate: Float(learningRate), seed: seed, width: width, quiet: quiet)
        if json {
            print(String(format: "{\"accuracy\": %.6f, \"test_images\": %d, \"train_images\": %d}", result.accuracy, result.testImages, result.trainImages))
        } else {
            print(String(format: "accuracy %.4f on %d test images (trained on %d)", result.accuracy, result.testImages, result.trainImages))
        }
    }
}

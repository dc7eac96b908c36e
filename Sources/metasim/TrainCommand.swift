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

extension TaskKind: ExpressibleByArgument {
    /// What `evaluate --task` takes (segmentation folders are evaluated by `train` only).
    public static var allValueStrings: [String] { [TaskKind.classification, .detection].map(\.rawValue) }
}
extension LearningRateSchedule: ExpressibleByArgument {}

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Train the task network on one labelled folder and report its score on another.",
        discussion: """
        classification (default): both folders use the ImageFolder layout (one subfolder per \
        class); classes are matched by folder name; prints the accuracy. detection: both folders \
        hold boxes in KITTI's layout (image_2/, label_2/) or COCO's (annotations.json, images/), \
        as `render`/`generate --format kitti|coco` write them; trains the CenterNet-style \
        detector and prints KITTI's AP at IoU 0.7 and 0.5 for easy, moderate and hard (mean of \
        the classes). Test images are resized to the training images' size.

        Example: metasim evaluate --train learned --test target-test
        Example: metasim evaluate --task detection --train learned-kitti --test target-kitti \
        --classes car --epochs 5 --batch-size 16 --learning-rate 0.002 --schedule cosine
        """)

    @Option(help: "classification or detection.") var task: TaskKind = .classification
    @Option(help: "Labelled training folder.") var train: String
    @Option(help: "Labelled test folder.") var test: String
    @Option(help: "detection: a class to detect (repeat for several; default: every class the training boxes name, lower-cased).")
    var classes: [String] = []
    @Option(help: "Training epochs.") var epochs = 3
    @Option(help: "Minibatch size.") var batchSize = 64
    @Option(help: "Adam learning rate.") var learningRate = 1e-3
    @Option(help: "Learning-rate schedule over all steps: constant or cosine.") var schedule: LearningRateSchedule = .constant
    @Option(help: "Random seed (initial weights, shuffling).") var seed: UInt64 = 0
    @Option(help: "Channels of the network's first convolution (default 32 for a classifier, 16 for a detector; cost grows with its square).")
    var width: Int?
    @Flag(help: "Print the result as JSON.") var json = false
    @Flag(help: "No progress bars.") var quiet = false

    func validate() throws {
        guard epochs >= 1, batchSize >= 1, learningRate.isFinite, learningRate > 0, learningRate <= ExperimentLimits.learningRate else {
            throw ValidationError("--epochs and --batch-size must be ≥ 1 and --learning-rate a finite number in (0, \(ExperimentLimits.learningRate)]")
        }
        guard task != .segmentation else { throw ValidationError("--task: classification or detection (segmentation folders: train with an experiment)") }
        guard task == .detection || classes.isEmpty else { throw ValidationError("--classes is for --task detection") }
    }

    func run() throws {
        if task == .detection {
            try runDetection()
            return
        }
        let result = try evaluateClassifier(trainFolder: train, testFolder: test, epochs: epochs, batchSize: batchSize,
                                            learningRate: Float(learningRate), seed: seed, width: width, quiet: quiet)
        if json {
            print(String(format: "{\"accuracy\": %.6f, \"test_images\": %d, \"train_images\": %d}", result.accuracy, result.testImages, result.trainImages))
        } else {
            print(String(format: "accuracy %.4f on %d test images (trained on %d)", result.accuracy, result.testImages, result.trainImages))
        }
    }

    private func runDetection() throws {
        let result = try evaluateDetector(trainFolder: train, testFolder: test, classes: classes.isEmpty ? nil : classes, epochs: epochs,
                                          batchSize: batchSize, learningRate: Float(learningRate), schedule: schedule, seed: seed,
                                          width: width, quiet: quiet)
        if json {
            var object: [String: Any] = result.scores
            object["classes"] = result.classes
            object["test_images"] = result.testImages
            object["train_images"] = result.trainImages
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("classes: \(result.classes.joined(separator: ", ")); \(result.testImages) test images (trained on \(result.trainImages))")
        for level in KITTIDifficulty.allCases {
            let ap = result.scores["ap_\(level.rawValue)"], ap50 = result.scores["ap50_\(level.rawValue)"]
            guard let ap, let ap50 else {
                print("\(level.rawValue): no box of this difficulty in the test folder")
                continue
            }
            print(String(format: "%@: AP %.4f at IoU 0.7, %.4f at IoU 0.5", level.rawValue, ap, ap50))
        }
    }
}

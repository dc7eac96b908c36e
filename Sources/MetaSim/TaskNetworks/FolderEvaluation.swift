import Codecs
import Datasets
import Diagnostics
import Scene

/// The outcome of `evaluateClassifier`.
public struct FolderEvaluation: Sendable {
    /// Share of test images classified correctly, in [0, 1].
    public var accuracy: Double
    /// Images in the training folder.
    public var trainImages: Int
    /// Images in the test folder.
    public var testImages: Int
}

/// Trains the classification task network on one labelled folder (ImageFolder layout) and
/// scores it on another. Test images are converted and resized to the training images' shape;
/// classes are matched by name. Throws `InputError` for missing or empty folders, unreadable
/// or mixed-size images, a training folder of one class, test classes absent from training,
/// a learning rate that is not finite or above 1, batch sizes, epochs or a `width` (nil: the
/// classifier's default) past `ExperimentLimits`, and a training that diverges (non-finite loss).
public func evaluateClassifier(trainFolder: String, testFolder: String, epochs: Int, batchSize: Int,
                               learningRate: Float, seed: UInt64, width: Int? = nil, quiet: Bool) throws -> FolderEvaluation {
    guard learningRate.isFinite, learningRate > 0, Double(learningRate) <= ExperimentLimits.learningRate else {
        throw InputError(file: "--learning-rate", message: "must be a finite number in (0, \(ExperimentLimits.learningRate)] (Adam), got \(learningRate)")
    }
    guard batchSize >= 1, batchSize <= ExperimentLimits.batchSize else {
        throw InputError(file: "--batch-size", message: "must be 1 to \(ExperimentLimits.batchSize), got \(batchSize)")
    }
    guard epochs >= 1, epochs <= ExperimentLimits.steps else {
        throw InputError(file: "--epochs", message: "must be 1 to \(ExperimentLimits.steps), got \(epochs)")
    }
    if let width, !(1...ExperimentLimits.taskNetworkWidth).contains(width) {
        throw InputError(file: "--width", message: "must be 1 to \(ExperimentLimits.taskNetworkWidth), got \(width)")
    }
    let trainReader = try LabelledImageFolderReader(folder: trainFolder, field: "--train")
    try LabelledFolderChecks.requireSeveralClasses(trainReader.classes, folder: trainFolder, field: "--train")
    let testReader = try LabelledImageFolderReader(folder: testFolder, field: "--test")
    try LabelledFolderChecks.requireKnownClasses(test: testReader.classes, train: trainReader.classes, folder: testFolder, field: "--test")
    let train = try trainReader.loadAll()
    let shape = train.images[0]
    let test = try testReader.loadAll(options: ImageLoadingOptions(width: shape.width, height: shape.height, channels: shape.channels))
    let trainSet = TaskSet(kind: .classification, images: tensor(train.images), labels: train.labels, classes: trainReader.classes)
    let testSet = TaskSet(kind: .classification, images: tensor(test.images), labels: test.labels, classes: testReader.classes)
    let classifier = TaskNetwork(kind: .classification, canvas: Canvas(width: shape.width, height: shape.height, channels: shape.channels),
                                 classes: trainReader.classes, seed: seed, width: width)
    let progress = ProgressBar("task network", total: epochs * batchCount(trainSet.count, batchSize: batchSize), quiet: quiet)
    var diverged: Float?
    classifier.train(on: trainSet, epochs: epochs, batchSize: batchSize, learningRate: learningRate, seed: seed) {
        if !$0.isFinite, diverged == nil { diverged = $0 }
        progress.advance(status: String(format: "loss %.3f", $0))
    }
    progress.finish()
    if let diverged {
        throw InputError(file: "--learning-rate", message: "training diverged (loss \(diverged)) at learning rate \(learningRate): no accuracy to report; lower it")
    }
    return FolderEvaluation(accuracy: classifier.scores(on: testSet)["target_accuracy"] ?? 0,
                            trainImages: trainSet.count, testImages: testSet.count)
}

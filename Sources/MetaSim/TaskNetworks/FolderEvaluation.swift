import Codecs
import Datasets
import Scene

/// The outcome of `evaluateClassifier`.
public struct FolderEvaluation: Sendable {
    public var accuracy: Double
    public var trainImages: Int
    public var testImages: Int
}

/// Trains the classification task network on one labelled folder (ImageFolder layout) and
/// scores it on another. Test images are converted and resized to the training images' shape;
/// classes are matched by name (a test class absent from training counts as wrong).
/// Throws `InputError` for missing or empty folders and unreadable or mixed-size images.
public func evaluateClassifier(trainFolder: String, testFolder: String, epochs: Int, batchSize: Int,
                               learningRate: Float, seed: UInt64, quiet: Bool) throws -> FolderEvaluation {
    let trainReader = try LabelledImageFolderReader(folder: trainFolder, field: "--train")
    let train = try trainReader.loadAll()
    let shape = train.images[0]
    let testReader = try LabelledImageFolderReader(folder: testFolder, field: "--test")
    let test = try testReader.loadAll(options: ImageLoadingOptions(width: shape.width, height: shape.height, channels: shape.channels))
    let trainSet = TaskSet(kind: .classification, images: tensor(train.images), labels: train.labels, classes: trainReader.classes)
    let testSet = TaskSet(kind: .classification, images: tensor(test.images), labels: test.labels, classes: testReader.classes)
    let classifier = TaskNetwork(kind: .classification, canvas: Canvas(width: shape.width, height: shape.height, channels: shape.channels),
                                 classes: trainReader.classes, seed: seed)
    let progress = ProgressBar("task network", total: epochs * ((trainSet.count + batchSize - 1) / batchSize), quiet: quiet)
    classifier.train(on: trainSet, epochs: epochs, batchSize: batchSize, learningRate: learningRate, seed: seed) {
        progress.advance(status: String(format: "loss %.3f", $0))
    }
    progress.finish()
    return FolderEvaluation(accuracy: classifier.scores(on: testSet)["target_accuracy"] ?? 0,
                            trainImages: trainSet.count, testImages: testSet.count)
}

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
    try checkEvaluationOptions(epochs: epochs, batchSize: batchSize, learningRate: learningRate, width: width)
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
    try trainOrReportDivergence(classifier, on: trainSet, epochs: epochs, batchSize: batchSize, learningRate: learningRate,
                                options: TaskTrainingOptions(), seed: seed, quiet: quiet)
    return FolderEvaluation(accuracy: classifier.scores(on: testSet)["target_accuracy"] ?? 0,
                            trainImages: trainSet.count, testImages: testSet.count)
}

/// The outcome of `evaluateDetector`.
public struct DetectionFolderEvaluation: Sendable {
    /// `detectionScores` of the trained detector on the test folder: `ap_<level>` (IoU 0.7) and
    /// `ap50_<level>` (IoU 0.5) for KITTI's `easy`, `moderate` and `hard`, in [0, 1]; a level
    /// with no counted box in the test folder is absent.
    public var scores: [String: Double]
    /// The detector's classes.
    public var classes: [String]
    /// Images in the training folder.
    public var trainImages: Int
    /// Images in the test folder.
    public var testImages: Int
}

/// Trains the detection task network (`CenterNetDetector`) on one labelled detection folder
/// (KITTI's `image_2/` + `label_2/` or COCO's `annotations.json` + `images/`, as `metasim
/// render --format kitti|coco` writes them) and scores it on another with KITTI's AP
/// (`detectionScores`). Test images are converted and resized to the first training image's
/// size and channels, their boxes scaled with them; boxes are matched to `classes` by name
/// ignoring case (`TaskSet.labelledBox`: `DontCare` and KITTI's neighbouring types are regions
/// to ignore). `classes` nil: every class name the training boxes use, lower-cased and sorted.
/// Throws `InputError` for a folder in neither layout (and the reader's other errors), a
/// folder without images, a first training image whose sides are not multiples of 16 (the
/// detector's downsampling), a training folder without a box of the classes, and the option
/// and divergence errors of `evaluateClassifier`.
public func evaluateDetector(trainFolder: String, testFolder: String, classes requested: [String]? = nil, epochs: Int,
                             batchSize: Int, learningRate: Float, schedule: LearningRateSchedule = .constant, seed: UInt64,
                             width: Int? = nil, quiet: Bool) throws -> DetectionFolderEvaluation {
    try checkEvaluationOptions(epochs: epochs, batchSize: batchSize, learningRate: learningRate, width: width)
    let trainReader = try DetectionFolderReader(folder: trainFolder, field: "--train")
    guard let first = trainReader.imageFiles.first else {
        throw InputError(file: trainFolder, path: "--train", message: "holds no images")
    }
    let shape = try ImageFile.read(first)
    guard shape.width % 16 == 0, shape.height % 16 == 0 else {
        throw InputError(file: first, path: "--train",
                         message: "is \(shape.width)x\(shape.height) px; the detector needs both sides to be multiples of 16")
    }
    let testReader = try DetectionFolderReader(folder: testFolder, field: "--test")
    let train = try trainReader.loadAll(width: shape.width, height: shape.height, channels: shape.channels)
    let classes = requested ?? Set(train.boxes.joined().compactMap { $0.className?.lowercased() }).sorted()
    let trainObjects = train.boxes.map { $0.compactMap { TaskSet.labelledBox($0, classes: classes) } }
    guard !classes.isEmpty, trainObjects.joined().contains(where: { $0.classIndex != nil }) else {
        throw InputError(file: trainFolder, path: "--train",
                         message: "has no labelled box of the classes \(classes.isEmpty ? "(none found)" : classes.joined(separator: ", ")): nothing to learn")
    }
    let test = try testReader.loadAll(width: shape.width, height: shape.height, channels: shape.channels)
    let trainSet = TaskSet(kind: .detection, images: tensor(train.images), labels: [], classes: classes, objects: trainObjects)
    let testSet = TaskSet(kind: .detection, images: tensor(test.images), labels: [], classes: classes,
                          objects: test.boxes.map { $0.compactMap { TaskSet.labelledBox($0, classes: classes) } })
    let detector = TaskNetwork(kind: .detection, canvas: Canvas(width: shape.width, height: shape.height, channels: shape.channels),
                               classes: classes, seed: seed, width: width)
    try trainOrReportDivergence(detector, on: trainSet, epochs: epochs, batchSize: batchSize, learningRate: learningRate,
                                options: TaskTrainingOptions(schedule: schedule), seed: seed, quiet: quiet)
    return DetectionFolderEvaluation(scores: detector.scores(on: testSet), classes: classes,
                                     trainImages: trainSet.count, testImages: testSet.count)
}

/// The checks `evaluateClassifier` and `evaluateDetector` make of their numeric options.
private func checkEvaluationOptions(epochs: Int, batchSize: Int, learningRate: Float, width: Int?) throws {
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
}

/// Trains `network` with a progress bar; a non-finite loss is an `InputError` at `--learning-rate`.
private func trainOrReportDivergence(_ network: TaskNetwork, on data: TaskSet, epochs: Int, batchSize: Int, learningRate: Float,
                                     options: TaskTrainingOptions, seed: UInt64, quiet: Bool) throws {
    let progress = ProgressBar("task network", total: epochs * batchCount(data.count, batchSize: batchSize), quiet: quiet)
    var diverged: Float?
    network.train(on: data, epochs: epochs, batchSize: batchSize, learningRate: learningRate, seed: seed, options: options) {
        if !$0.isFinite, diverged == nil { diverged = $0 }
        progress.advance(status: String(format: "loss %.3f", $0))
    }
    progress.finish()
    if let diverged {
        throw InputError(file: "--learning-rate", message: "training diverged (loss \(diverged)) at learning rate \(learningRate): no score to report; lower it")
    }
}

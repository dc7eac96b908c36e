import Datasets
import Diagnostics
import Render
import Tensor

/// What a task network predicts: one class per image (MNIST digits) or one class per pixel
/// (semantic segmentation of aerial scenes).
public enum TaskKind: String, Sendable, CaseIterable {
    /// `classification`: one label per image; `segmentation`: one label per pixel.
    case classification, segmentation
}

/// Labelled images for a task network: `images` `[N, C, H, W]` in [0, 1]; `labels` one class
/// index per image (classification, N of them) or per pixel (segmentation, N·H·W, row-major
/// per image), indices into `classes`.
public struct TaskSet: Sendable {
    /// Whether labels are per image or per pixel.
    public let kind: TaskKind
    /// `[N, C, H, W]`, values in [0, 1].
    public var images: Tensor
    /// Class indices: N of them, or N·H·W (row-major per image) for segmentation.
    public var labels: [Int]
    /// Class names the label indices refer to.
    public var classes: [String]

    /// - Precondition: `images` is rank 4; the label count fits `kind`; labels in range.
    public init(kind: TaskKind, images: Tensor, labels: [Int], classes: [String]) {
        precondition(images.rank == 4, "TaskSet: images must be [N, C, H, W], got \(images.shape)")
        let perImage = kind == .classification ? 1 : images.shape[2] * images.shape[3]
        precondition(labels.count == images.shape[0] * perImage,
                     "TaskSet: \(labels.count) labels for \(images.shape[0]) images (\(kind.rawValue))")
        precondition(labels.allSatisfy { $0 >= 0 && $0 < classes.count }, "TaskSet: label outside 0..<\(classes.count)")
        self.kind = kind
        self.images = images
        self.labels = labels
        self.classes = classes
    }

    /// Number of images.
    public var count: Int { images.shape[0] }

    /// Labels per image: 1 or H·W.
    var labelsPerImage: Int { kind == .classification ? 1 : images.shape[2] * images.shape[3] }

    /// The images at `indices` as one batch, with their labels.
    func batch(_ indices: [Int]) -> (images: Tensor, labels: [Int]) {
        let k = labelsPerImage
        return (images.gather(axis: 0, indices: indices), indices.flatMap { labels[($0 * k)..<(($0 + 1) * k)] })
    }

    /// A task set from rendered images and their ground truth, over `classes`.
    ///
    /// Classification: each image's label is the class of its visible objects (exactly one
    /// class must be visible). Segmentation: each pixel's label is the class of the object the
    /// renderer's semantic mask shows there, matched by name; background pixels, and pixels of
    /// classes not in `classes`, get `classes[0]` (the background class, for example `ground`).
    /// Throws `InputError` (file `source`) for an image whose class is not in `classes`.
    public init(rendered: [RenderedImage], kind: TaskKind, classes: [String], rendererClasses: [String], source: String) throws {
        let index = Dictionary(classes.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var labels: [Int] = []
        switch kind {
        case .classification:
            labels = try rendered.enumerated().map { i, r -> Int in
                let name = try DatasetLabel.resolve(nil, groundTruth: r.groundTruth, sample: i, directory: source)
                guard let label = index[name] else {
                    throw InputError(file: source, path: "sample[\(i)]",
                                     message: "class '\(name)' is not one of the task's classes (\(classes.joined(separator: ", ")))")
                }
                return label
            }
        case .segmentation:
            let lookup = [0] + rendererClasses.map { index[$0] ?? 0 }
            labels.reserveCapacity(rendered.reduce(0) { $0 + $1.groundTruth.semanticMask.count })
            for r in rendered { labels += r.groundTruth.semanticMask.map { lookup[Int($0)] } }
        }
        self.init(kind: kind, images: tensor(rendered.map(\.image)), labels: labels, classes: classes)
    }
}

extension TaskSet {
    /// The same images with labels re-indexed into `newClasses` by class name. Classification:
    /// images whose class `newClasses` lacks are dropped; segmentation: such pixels get
    /// `newClasses[0]` (the background class). Nil when no image is left.
    func relabelled(to newClasses: [String]) -> TaskSet? {
        if newClasses == classes { return self }
        let map = classes.map { newClasses.firstIndex(of: $0) }
        switch kind {
        case .classification:
            let kept = labels.indices.filter { map[labels[$0]] != nil }
            guard !kept.isEmpty else { return nil }
            return TaskSet(kind: kind, images: images.gather(axis: 0, indices: kept), labels: kept.map { map[labels[$0]]! },
                           classes: newClasses)
        case .segmentation:
            return TaskSet(kind: kind, images: images, labels: labels.map { map[$0] ?? 0 }, classes: newClasses)
        }
    }
}

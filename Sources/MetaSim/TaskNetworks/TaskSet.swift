import Datasets
import Diagnostics
import Render
import Tensor

/// What a task network predicts: one class per image (MNIST digits), one class per pixel
/// (semantic segmentation of aerial scenes) or boxes of objects (cars in driving scenes).
public enum TaskKind: String, Sendable, CaseIterable {
    /// `classification`: one label per image; `segmentation`: one label per pixel;
    /// `detection`: a list of labelled 2D boxes per image.
    case classification, segmentation, detection
}

/// Labelled images for a task network: `images` `[N, C, H, W]` in [0, 1]; `labels` one class
/// index per image (classification, N of them) or per pixel (segmentation, N·H·W, row-major
/// per image), indices into `classes`; for detection `labels` is empty and `objects` holds
/// each image's boxes.
public struct TaskSet: Sendable {
    /// Whether labels are per image or per pixel.
    public let kind: TaskKind
    /// `[N, C, H, W]`, values in [0, 1].
    public var images: Tensor
    /// Class indices: N of them, or N·H·W (row-major per image) for segmentation.
    public var labels: [Int]
    /// Class names the label indices refer to.
    public var classes: [String]
    /// Detection: per image, its labelled boxes (class indices into `classes`, or DontCare);
    /// empty for the other kinds.
    public var objects: [[LabelledBox]]

    /// - Precondition: `images` is rank 4; the label count fits `kind` (none for detection);
    ///   labels in range; `objects` has one list per image for detection (class indices in
    ///   range) and is empty otherwise.
    public init(kind: TaskKind, images: Tensor, labels: [Int], classes: [String], objects: [[LabelledBox]] = []) {
        precondition(images.rank == 4, "TaskSet: images must be [N, C, H, W], got \(images.shape)")
        let perImage = kind == .classification ? 1 : (kind == .segmentation ? images.shape[2] * images.shape[3] : 0)
        precondition(labels.count == images.shape[0] * perImage,
                     "TaskSet: \(labels.count) labels for \(images.shape[0]) images (\(kind.rawValue))")
        precondition(labels.allSatisfy { $0 >= 0 && $0 < classes.count }, "TaskSet: label outside 0..<\(classes.count)")
        precondition(objects.count == (kind == .detection ? images.shape[0] : 0),
                     "TaskSet: \(objects.count) box lists for \(images.shape[0]) images (\(kind.rawValue))")
        precondition(objects.joined().allSatisfy { o in o.classIndex.map { $0 >= 0 && $0 < classes.count } ?? true },
                     "TaskSet: box class outside 0..<\(classes.count)")
        self.kind = kind
        self.images = images
        self.labels = labels
        self.classes = classes
        self.objects = objects
    }

    /// Number of images.
    public var count: Int { images.shape[0] }

    /// Labels per image: 1, H·W, or 0 (detection).
    var labelsPerImage: Int {
        switch kind {
        case .classification: 1
        case .segmentation: images.shape[2] * images.shape[3]
        case .detection: 0
        }
    }

    /// The images at `indices` as one batch, with their labels and (detection) boxes.
    func batch(_ indices: [Int]) -> (images: Tensor, labels: [Int], objects: [[LabelledBox]]) {
        let k = labelsPerImage
        return (images.gather(axis: 0, indices: indices), indices.flatMap { labels[($0 * k)..<(($0 + 1) * k)] },
                objects.isEmpty ? [] : indices.map { objects[$0] })
    }

    /// A task set from rendered images and their ground truth, over `classes`.
    ///
    /// Classification: each image's label is the class of its visible objects (exactly one
    /// class must be visible). Segmentation: each pixel's label is the class of the object the
    /// renderer's semantic mask shows there, matched by name; background pixels, and pixels of
    /// classes not in `classes`, get `classes[0]` (the background class, for example `ground`).
    /// Detection: each image's objects of `classes` with visible pixels (`detectionObjects`).
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
        case .detection:
            self.init(kind: kind, images: tensor(rendered.map(\.image)), labels: [], classes: classes,
                      objects: rendered.map { TaskSet.detectionObjects($0.groundTruth, classes: index) })
            return
        }
        self.init(kind: kind, images: tensor(rendered.map(\.image)), labels: labels, classes: classes)
    }
}

extension TaskSet {
    /// The same images with labels re-indexed into `newClasses` by class name. Classification:
    /// images whose class `newClasses` lacks are dropped; segmentation: such pixels get
    /// `newClasses[0]` (the background class); detection: boxes of such classes are dropped.
    /// Nil when no image is left.
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
        case .detection:
            let kept = objects.map { boxes in boxes.compactMap { box -> LabelledBox? in
                guard let k = box.classIndex else { return box }
                guard let mapped = map[k] else { return nil }
                var moved = box
                moved.classIndex = mapped
                return moved
            } }
            return TaskSet(kind: kind, images: images, labels: [], classes: newClasses, objects: kept)
        }
    }

    /// A box read from a labelled folder as a box of `classes`: its class name matched ignoring
    /// case (`Car` → `car`); a region to ignore (KITTI `DontCare`, COCO crowd) stays one; KITTI's
    /// neighbouring types, which its devkit neither counts nor penalises for a class (`Van` for
    /// `car`, `Person_sitting` for `pedestrian`), become regions to ignore; any other class is
    /// dropped (nil).
    public static func labelledBox(_ object: FolderObjectBox, classes: [String]) -> LabelledBox? {
        let box = PixelBox(x0: object.box[0], y0: object.box[1], x1: object.box[2], y1: object.box[3])
        func make(_ index: Int?) -> LabelledBox {
            LabelledBox(classIndex: index, box: box, truncation: object.truncation, occlusionLevel: object.occlusionLevel)
        }
        guard let name = object.className?.lowercased() else { return make(nil) }
        if let k = classes.firstIndex(where: { $0.lowercased() == name }) { return make(k) }
        let neighbours = ["van": "car", "person_sitting": "pedestrian"]
        if let neighbour = neighbours[name], classes.contains(where: { $0.lowercased() == neighbour }) { return make(nil) }
        return nil
    }

    /// The labelled boxes of one rendered image: every object whose class is in `classes`
    /// (name → index) and that has a visible pixel, with KITTI's box, truncation and occlusion
    /// level (`KITTIObjectLabel.imageBox`, `occlusionLevel(fraction:)`; 0 without a fraction).
    public static func detectionObjects(_ truth: GroundTruth, classes: [String: Int]) -> [LabelledBox] {
        truth.objects.compactMap { o -> LabelledBox? in
            guard let k = classes[o.className], let b = KITTIObjectLabel.imageBox(of: o, width: truth.width, height: truth.height)
            else { return nil }
            return LabelledBox(classIndex: k, box: PixelBox(x0: b[0], y0: b[1], x1: b[2], y1: b[3]), truncation: o.truncation ?? 0,
                               occlusionLevel: o.occlusion == nil ? 0 : KITTIObjectLabel.occlusionLevel(fraction: o.occlusion))
        }
    }
}

import Assets
import Codecs
import Datasets
import Diagnostics
import Foundation
import Grammar
import Render
import Scene
import Tensor

/// The target side of an experiment: unlabelled images to match, and optional labelled
/// validation (task objective) and test (final scores) sets, all at the generator's canvas.
/// Make one in code (`TargetSet(images:)`), from folders (`load(images:validation:test:canvas:)`)
/// or by rendering a target grammar (`render(grammar:…)`).
public struct TargetSet: Sendable {
    /// `[N, C, H, W]` in [0, 1].
    public var images: Tensor
    /// Labelled images for stage 3's reward; nil when there are none.
    public var validation: TaskSet?
    /// Labelled images for the final scores; nil when there are none (then no final comparison).
    public var test: TaskSet?
    /// The scene graphs behind `images` when they were rendered from a target grammar (to
    /// report the target's attribute values); empty otherwise.
    public var graphs: [SceneGraph]
    /// The target grammar when `images` were rendered from one: the final evaluation trains its
    /// oracle task network on fresh samples of it. Nil for folder targets.
    public var grammar: TargetGrammar?
    /// Ground truth of `images` (object boxes for `ObjectCrops`) when known: rendered targets;
    /// nil otherwise.
    public var groundTruth: [GroundTruth]?

    /// - Parameter images: `[N, C, H, W]`, values in [0, 1], at the generator's canvas.
    public init(images: Tensor, validation: TaskSet? = nil, test: TaskSet? = nil, graphs: [SceneGraph] = [],
                grammar: TargetGrammar? = nil, groundTruth: [GroundTruth]? = nil) {
        self.images = images
        self.validation = validation
        self.test = test
        self.graphs = graphs
        self.grammar = grammar
        self.groundTruth = groundTruth
    }

    /// Reads a folder of unlabelled PNG/JPEG images and optional labelled validation and test
    /// folders, resized to `canvas` (larger images are downsampled while decoding,
    /// `ImageLoadingOptions.decodeAtLeast`, so even ones past `DecodingLimits.maximumPixels` load
    /// in bounded memory). Labelled folders: classification, the ImageFolder layout
    /// (`DIR/<class>/*.png`); segmentation, `DIR/images/NAME.png` + `DIR/masks/NAME.png`
    /// (`SegmentationFolderReader`: 8-bit class-index masks over `classes`, which segmentation
    /// needs, background first; nearest-neighbour resizing); detection, KITTI's
    /// `DIR/image_2/` + `DIR/label_2/` or COCO's `DIR/annotations.json` + `DIR/images/`
    /// (`DetectionFolderReader`; boxes scaled with their image; `TaskSet.labelledBox` maps
    /// their class names onto `classes`). Throws `InputError`s naming the
    /// folder or file and `fields` (the field path used in messages) for missing or empty
    /// folders, unreadable or mixed-size images, masks that do not fit their image or hold a
    /// value that is not a class index.
    public static func load(images: String, validation: String? = nil, test: String? = nil, canvas: Canvas,
                            kind: TaskKind = .classification, classes: [String]? = nil,
                            fields: (images: String, validation: String, test: String) = ("target.images", "target.validation", "target.test"))
        throws -> TargetSet {
        func labelled(_ folder: String?, _ field: String) throws -> TaskSet? {
            guard let folder else { return nil }
            switch kind {
            case .classification:
                let reader = try LabelledImageFolderReader(folder: folder, field: field)
                try LabelledFolderChecks.requireSeveralClasses(reader.classes, folder: folder, field: field)
                let raw = try reader.loadAll(options: ImageLoadingOptions(channels: canvas.channels, decodeAtLeast: PixelSize(width: canvas.width, height: canvas.height)))  // same size or error
                return TaskSet(kind: .classification, images: tensor(raw.images.map { $0.resized(width: canvas.width, height: canvas.height) }),
                               labels: raw.labels, classes: reader.classes)
            case .segmentation:
                guard let classes, classes.count >= 2 else {
                    throw InputError(file: folder, path: field, message: "a segmentation set needs the task's class list (task_network.classes, background first, at least two)")
                }
                let raw = try SegmentationFolderReader(folder: folder, field: field)
                    .loadAll(width: canvas.width, height: canvas.height, channels: canvas.channels, classCount: classes.count)
                return TaskSet(kind: .segmentation, images: tensor(raw.images), labels: raw.labels.flatMap { $0 }, classes: classes)
            case .detection:
                guard let classes, !classes.isEmpty else {
                    throw InputError(file: folder, path: field, message: "a detection set needs the task's class list (task_network.classes, for example [car])")
                }
                let raw = try DetectionFolderReader(folder: folder, field: field)
                    .loadAll(width: canvas.width, height: canvas.height, channels: canvas.channels)
                return TaskSet(kind: .detection, images: tensor(raw.images), labels: [], classes: classes,
                               objects: raw.boxes.map { $0.compactMap { TaskSet.labelledBox($0, classes: classes) } })
            }
        }
        let reader = try ImageFolderReader(folder: images, field: fields.images)
        let raw = try reader.loadAll(options: ImageLoadingOptions(channels: canvas.channels, decodeAtLeast: PixelSize(width: canvas.width, height: canvas.height)))  // same size or error
        return TargetSet(images: tensor(raw.map { $0.resized(width: canvas.width, height: canvas.height) }),
                         validation: try labelled(validation, fields.validation),
                         test: try labelled(test, fields.test), graphs: [])
    }

    /// Renders a target grammar with the built-in compositor: disjoint index ranges of
    /// `seed` give `images` unlabelled images, then `validation` and `test` labelled ones of
    /// `kind` over `classes` (default: the classes the labelled images show; segmentation needs
    /// them given, background first). Throws rendering errors, or `InputError` when labels do
    /// not fit the classes.
    public static func render(grammar: Grammar, seed: UInt64, images: Int, validation: Int = 0, test: Int = 0,
                              kind: TaskKind = .classification, classes: [String]? = nil,
                              progress: any ProgressReporter = SilentProgress()) throws -> TargetSet {
        let registry = grammar.assetRegistry()
        let renderer = try grammar.makeRenderer(assets: registry)
        let total = images + validation + test
        let bar = progress.start("rendering targets", total: total)
        var graphs: [SceneGraph] = [], rendered: [RenderedImage] = []
        try Generator(grammar: grammar, assets: registry, transformer: nil, renderer: renderer)
            .forEachBatch(count: total, seed: seed, learned: false) { batch in
                graphs += batch.map(\.graph)
                rendered += batch.map(\.rendered)
                bar.advance(by: batch.count)
            }
        bar.finish()
        let labelledRange = images..<total
        let classes = try classes ?? Array(Set(labelledRange.map {
            try DatasetLabel.resolve(nil, groundTruth: rendered[$0].groundTruth, sample: $0, directory: grammar.file)
        })).sorted()
        func labelled(_ range: Range<Int>) throws -> TaskSet? {
            guard !range.isEmpty else { return nil }
            return try TaskSet(rendered: Array(rendered[range]), kind: kind, classes: classes,
                               rendererClasses: renderer.classes, source: grammar.file)
        }
        return TargetSet(images: tensor(rendered[0..<images].map(\.image)),
                         validation: try labelled(images..<(images + validation)),
                         test: try labelled((images + validation)..<total),
                         graphs: Array(graphs[0..<images]),
                         grammar: TargetGrammar(grammar: grammar, seed: seed, used: total),
                         groundTruth: rendered[0..<images].map(\.groundTruth))
    }
}

/// The grammar a target set was rendered from, and how much of its sample stream the set used:
/// samples `used...` of `seed` are fresh target-grammar data (the oracle's training set).
public struct TargetGrammar: Sendable {
    /// The target grammar.
    public var grammar: Grammar
    /// The seed the target set was sampled with.
    public var seed: UInt64
    /// Sample indices `0..<used` of `seed` went into the target set (unlabelled, validation, test).
    public var used: Int

    /// Memberwise initialiser.
    public init(grammar: Grammar, seed: UInt64, used: Int) {
        self.grammar = grammar
        self.seed = seed
        self.used = used
    }
}

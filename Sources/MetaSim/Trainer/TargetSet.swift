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
public struct TargetSet: Sendable {
    /// `[N, C, H, W]` in [0, 1].
    public var images: Tensor
    public var validation: TaskSet?
    public var test: TaskSet?
    /// The scene graphs behind `images` when they were rendered from a target grammar (to
    /// report the target's attribute values); empty for folders.
    public var graphs: [SceneGraph]

    /// Loads or renders the target data an experiment names. Throws `InputError`s naming the
    /// experiment file and field for missing or empty folders, unreadable or mixed-size images.
    /// Labelled sets are classification sets over `experiment.taskNetwork.classes` (default:
    /// the classes the labelled images show) or segmentation sets over its classes.
    public static func load(_ experiment: Experiment, canvas: Canvas, quiet: Bool) throws -> TargetSet {
        let settings = experiment.taskNetwork
        switch experiment.target {
        case let .folders(images, validation, test):
            func labelled(_ folder: String?, _ field: String) throws -> TaskSet? {
                guard let folder else { return nil }
                let reader = try LabelledImageFolderReader(folder: folder, field: field)
                let raw = try reader.loadAll(options: ImageLoadingOptions(channels: canvas.channels))  // same size or error
                return TaskSet(kind: .classification, images: tensor(raw.images.map { $0.resized(width: canvas.width, height: canvas.height) }),
                               labels: raw.labels, classes: reader.classes)
            }
            let reader = try ImageFolderReader(folder: images, field: "target.images")
            let raw = try reader.loadAll(options: ImageLoadingOptions(channels: canvas.channels))  // same size or error
            return TargetSet(images: tensor(raw.map { $0.resized(width: canvas.width, height: canvas.height) }),
                             validation: try labelled(validation, "target.validation"),
                             test: try labelled(test, "target.test"), graphs: [])
        case let .rendered(grammarPath, seed, images, validation, test):
            let grammar = try Grammar.load(path: grammarPath)
            guard grammar.canvas == canvas else {
                throw InputError(file: experiment.file, path: "target.render.grammar",
                                 message: "target canvas \(grammar.canvas.width)x\(grammar.canvas.height)x\(grammar.canvas.channels) differs from the generator's \(canvas.width)x\(canvas.height)x\(canvas.channels)")
            }
            let registry = grammar.assetRegistry()
            let renderer = try grammar.makeRenderer(assets: registry)
            // Three disjoint index ranges of one seed: matching images, validation, test.
            let total = images + validation + test
            let progress = ProgressBar("rendering targets", total: total, quiet: quiet)
            var graphs: [SceneGraph] = [], rendered: [RenderedImage] = []
            try Generator(grammar: grammar, assets: registry, transformer: nil, renderer: renderer)
                .forEachBatch(count: total, seed: seed, learned: false) { batch in
                    graphs += batch.map(\.graph)
                    rendered += batch.map(\.rendered)
                    progress.advance(by: batch.count)
                }
            progress.finish()
            let labelledRange = images..<total
            let classes = try settings.classes ?? Array(Set(labelledRange.map {
                try DatasetLabel.resolve(nil, groundTruth: rendered[$0].groundTruth, sample: $0, directory: grammarPath)
            })).sorted()
            func labelled(_ range: Range<Int>) throws -> TaskSet? {
                guard !range.isEmpty else { return nil }
                return try TaskSet(rendered: Array(rendered[range]), kind: settings.kind, classes: classes,
                                   rendererClasses: renderer.classes, source: grammarPath)
            }
            return TargetSet(images: tensor(rendered[0..<images].map(\.image)),
                             validation: try labelled(images..<(images + validation)),
                             test: try labelled((images + validation)..<total),
                             graphs: Array(graphs[0..<images]))
        }
    }
}

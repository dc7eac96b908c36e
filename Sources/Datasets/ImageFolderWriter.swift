import Codecs
import Diagnostics
import Render
import Scene

/// torchvision's ImageFolder layout: `DIR/LABEL/NNNNNN.png`, one folder per image-level label
/// (`DatasetLabel.resolve`), files numbered by global sample index (`origin.firstIndex` + append
/// order) across the whole dataset.
/// Loads with `torchvision.datasets.ImageFolder(DIR)`; classes are the folder names in sorted
/// order there. Writes `metasim-dataset.json` last (ignored by torchvision: it is a file).
public final class ImageFolderWriter: DatasetWriter {
    public let directory: String
    public private(set) var count = 0
    private var labels: Set<String> = []
    private var finished = false
    private let origin: DatasetOrigin

    public init(directory: String, origin: DatasetOrigin = DatasetOrigin()) throws {
        self.directory = directory
        self.origin = origin
        try DatasetFiles.prepareRoot(directory)
    }

    public func append(_ rendered: RenderedImage, graph: SceneGraph, label: String?) throws {
        guard !finished else { throw InputError(file: directory, message: "append after finish") }
        let name = try DatasetLabel.resolve(label, groundTruth: rendered.groundTruth, sample: origin.firstIndex + count, directory: directory)
        let folder = directory + "/" + name
        if labels.insert(name).inserted { try DatasetFiles.makeFolder(folder) }
        try PNG.write(rendered.image, to: DatasetFiles.imageName(origin.firstIndex + count, in: folder + "/"))
        count += 1
    }

    public func finish() throws {
        guard !finished else { return }
        finished = true
        try DatasetManifest(format: .imagefolder, count: count, classes: labels.sorted(), files: [], origin: origin).write(to: directory)
    }
}

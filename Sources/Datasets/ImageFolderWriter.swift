import Codecs
import Diagnostics
import Render
import Scene

/// torchvision's ImageFolder layout: `DIR/LABEL/NNNNNN.png`, one folder per image-level label
/// (`DatasetLabel.resolve`), files numbered by append order across the whole dataset.
/// Loads with `torchvision.datasets.ImageFolder(DIR)`; classes are the folder names in sorted
/// order there. Writes `metasim-dataset.json` last (ignored by torchvision: it is a file).
public final class ImageFolderWriter: DatasetWriter {
    public let directory: String
    public private(set) var count = 0
    private var labels: Set<String> = []
    private var finished = false
    /// The dataset's class map (`classes.json`, beside the label folders).
    public let classMap: ClassMap

    /// `classes` starts the class map (see `ClassMap`).
    public init(directory: String, classes: [String] = []) throws {
        self.directory = directory
        classMap = ClassMap(classes)
        try DatasetFiles.prepareRoot(directory)
    }

    public func append(_ rendered: RenderedImage, graph: SceneGraph, label: String?) throws {
        guard !finished else { throw InputError(file: directory, message: "append after finish") }
        let name = try DatasetLabel.resolve(label, groundTruth: rendered.groundTruth, sample: count, directory: directory)
        let folder = directory + "/" + name
        if labels.insert(name).inserted { try DatasetFiles.makeFolder(folder) }
        _ = classMap.index(of: name)
        try PNG.write(rendered.image, to: folder + "/" + DatasetFiles.padded(count) + ".png")
        count += 1
    }

    public func finish() throws {
        guard !finished else { return }
        finished = true
        try classMap.write(to: directory)
        try DatasetManifest(format: .imagefolder, count: count, classes: labels.sorted(), files: []).write(to: directory)
    }
}

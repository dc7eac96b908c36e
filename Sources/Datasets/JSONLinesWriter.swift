import Codecs
import Diagnostics
import Render
import Scene

/// JSON Lines: `DIR/images/NNNNNN.png` and `DIR/dataset.jsonl`, one `SampleRecord` per line
/// (keys sorted; `image` relative to DIR). The lines file is streamed under a temporary name and
/// appears only at `finish()`, so an interrupted run leaves images but no `dataset.jsonl`.
public final class JSONLinesWriter: DatasetWriter {
    public static let linesFileName = "dataset.jsonl"
    public let directory: String
    public private(set) var count = 0
    private var lines: AtomicFileWriter?
    private var classes: Set<String> = []
    /// The dataset's class map (`classes.json`).
    public let classMap: ClassMap

    /// `classes` starts the class map (see `ClassMap`).
    public init(directory: String, classes: [String] = []) throws {
        self.directory = directory
        classMap = ClassMap(classes)
        try DatasetFiles.prepareRoot(directory, subfolder: "images")
        lines = try AtomicFileWriter(path: directory + "/" + JSONLinesWriter.linesFileName)
    }

    public func append(_ rendered: RenderedImage, graph: SceneGraph, label: String?) throws {
        guard let lines else { throw InputError(file: directory, message: "append after finish") }
        let image = "images/" + DatasetFiles.padded(count) + ".png"
        try PNG.write(rendered.image, to: directory + "/" + image)
        // Without a label, the one class of the visible objects (as WebDataset's `.cls`), if any.
        let name = label ?? (try? DatasetLabel.resolve(nil, groundTruth: rendered.groundTruth, sample: count, directory: directory))
        var record = SampleRecord(image: image, label: name, rendered: rendered, graph: graph)
        for object in rendered.groundTruth.objects {
            classes.insert(object.className)
            _ = classMap.index(of: object.className)
        }
        record.labelIndex = name.map(classMap.index(of:))
        try lines.write(try DatasetFiles.json(record))
        try lines.write([0x0A])
        count += 1
    }

    public func finish() throws {
        guard let lines else { return }
        self.lines = nil
        try lines.commit()
        try classMap.write(to: directory)
        try DatasetManifest(format: .jsonl, count: count, classes: classes.sorted(),
                            files: [JSONLinesWriter.linesFileName]).write(to: directory)
    }
}

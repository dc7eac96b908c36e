import Codecs
import Diagnostics
import Render
import Scene

/// JSON Lines: `DIR/images/NNNNNN.png` and `DIR/dataset.jsonl`, one `SampleRecord` per line
/// (keys sorted; `image` relative to DIR). The lines file is streamed under a temporary name and
/// appears only at `finish()`, so an interrupted run leaves images but no `dataset.jsonl`.
public final class JSONLinesWriter: DatasetWriter {
    /// Name of the lines file inside the dataset folder.
    public static let linesFileName = "dataset.jsonl"
    /// The dataset's root folder.
    public let directory: String
    /// Images appended so far (also the number of the next image file).
    public private(set) var count = 0
    private var lines: AtomicFileWriter?
    private var classes: Set<String> = []
    private let origin: DatasetOrigin
    /// The dataset's class map (`classes.json`).
    public let classMap: ClassMap

    /// Creates `directory/images` (and parents), removes an old manifest and opens the lines file
    /// under a temporary name; `classes` starts the class map (see `ClassMap`). Images are named
    /// by global index, `origin.firstIndex` + append order. Throws `InputError` when a folder or
    /// file cannot be made.
    public init(directory: String, classes: [String] = [], origin: DatasetOrigin = DatasetOrigin()) throws {
        self.directory = directory
        self.origin = origin
        classMap = ClassMap(classes)
        try DatasetFiles.prepareRoot(directory, subfolder: "images")
        lines = try AtomicFileWriter(path: directory + "/" + JSONLinesWriter.linesFileName)
    }

    /// Writes the PNG and one `SampleRecord` line (`label` may be nil: written as `null`).
    /// Throws `InputError` after `finish()` or when a write fails.
    public func append(_ rendered: RenderedImage, graph: SceneGraph, label: String?) throws {
        guard let lines else { throw InputError(file: directory, message: "append after finish") }
        let image = DatasetFiles.imageName(origin.firstIndex + count, in: "images/")
        try PNG.write(rendered.image, to: directory + "/" + image)
        // Without a label, the one class of the visible objects (as WebDataset's `.cls`), if any.
        let name = label ?? (try? DatasetLabel.resolve(nil, groundTruth: rendered.groundTruth, sample: origin.firstIndex + count, directory: directory))
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

    /// Renames the lines file into place and writes the manifest; a second call does nothing.
    public func finish() throws {
        guard let lines else { return }
        self.lines = nil
        try lines.commit()
        try classMap.write(to: directory)
        try DatasetManifest(format: .jsonl, count: count, classes: classes.sorted(),
                            files: [JSONLinesWriter.linesFileName], origin: origin).write(to: directory)
    }
}

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

    /// Creates `directory/images` (and parents), removes an old manifest and opens the lines file
    /// under a temporary name. Throws `InputError` when a folder or file cannot be made.
    /// Images are named by global index, `origin.firstIndex` + append order.
    public init(directory: String, origin: DatasetOrigin = DatasetOrigin()) throws {
        self.directory = directory
        self.origin = origin
        try DatasetFiles.prepareRoot(directory, subfolder: "images")
        lines = try AtomicFileWriter(path: directory + "/" + JSONLinesWriter.linesFileName)
    }

    /// Writes the PNG and one `SampleRecord` line (`label` may be nil: written as `null`).
    /// Throws `InputError` after `finish()` or when a write fails.
    public func append(_ rendered: RenderedImage, graph: SceneGraph, label: String?) throws {
        guard let lines else { throw InputError(file: directory, message: "append after finish") }
        let image = DatasetFiles.imageName(origin.firstIndex + count, in: "images/")
        try PNG.write(rendered.image, to: directory + "/" + image)
        let record = SampleRecord(image: image, label: label, rendered: rendered, graph: graph)
        try lines.write(try DatasetFiles.json(record))
        try lines.write([0x0A])
        for object in rendered.groundTruth.objects { classes.insert(object.className) }
        count += 1
    }

    /// Renames the lines file into place and writes the manifest; a second call does nothing.
    public func finish() throws {
        guard let lines else { return }
        self.lines = nil
        try lines.commit()
        try DatasetManifest(format: .jsonl, count: count, classes: classes.sorted(),
                            files: [JSONLinesWriter.linesFileName], origin: origin).write(to: directory)
    }
}

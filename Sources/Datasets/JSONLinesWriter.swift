import Codecs
import Diagnostics
import Foundation
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
    private var written = WrittenFiles()
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

    /// Continues the dataset an interrupted writer (same `classes` and `origin`) left in
    /// `directory`: keeps the samples whose line is complete (in the longest copy of the lines
    /// file, committed or temporary) and whose image, written before the line, is complete —
    /// up to the first that is not — and drops the rest; the class map is rebuilt from the
    /// kept lines in order. Appending the remaining samples then gives the bytes of an
    /// uninterrupted run. `count` is the number kept. Throws `InputError` when a file cannot
    /// be read or made.
    public convenience init(resuming directory: String, classes: [String] = [], origin: DatasetOrigin = DatasetOrigin()) throws {
        try self.init(directory: directory, classes: classes, origin: origin)
        let path = directory + "/" + JSONLinesWriter.linesFileName
        let fresh = lines!
        if let old = StagedFiles.longestCopy(of: path, except: fresh.temporaryPath) {
            try StagedFiles.forEachLine(in: old) { line in
                let image = DatasetFiles.imageName(origin.firstIndex + count, in: directory + "/images/")
                guard StagedFiles.isCompletePNG(image),
                      let record = try? JSONDecoder().decode(SampleClasses.self, from: Data(line)) else { return false }
                note(record)
                try fresh.write(line)
                try fresh.write([0x0A])
                count += 1
                return true
            }
        }
        StagedFiles.removeCopies(of: path, except: fresh.temporaryPath)
        StagedFiles.removeTemporaries(in: directory, except: [fresh.temporaryPath])
        StagedFiles.removeTemporaries(in: directory + "/images")
        StagedFiles.removeImages(in: directory + "/images", from: origin.firstIndex + count)
    }

    /// Adds a kept sample's classes to `classes` and the class map, in `append`'s order.
    private func note(_ record: SampleClasses) {
        for object in record.objects {
            classes.insert(object.className)
            _ = classMap.index(of: object.className)
        }
        if let label = record.label { _ = classMap.index(of: label) }
    }

    /// Writes the PNG and one `SampleRecord` line (`label` may be nil: written as `null`).
    /// Throws `InputError` after `finish()` or when a write fails.
    public func append(_ rendered: RenderedImage, graph: SceneGraph, label: String?) throws {
        try append(contentsOf: [DatasetSample(rendered: rendered, graph: graph, label: label)])
    }

    /// `append` for each sample in order, the PNGs, masks and lines made in parallel (see `DatasetWriter`).
    public func append(contentsOf samples: [DatasetSample]) throws {
        guard lines != nil else { throw InputError(file: directory, message: "append after finish") }
        try OrderedAppend.run(samples, firstIndex: origin.firstIndex + count, prepare: prepare, commit: commit)
    }

    /// The PNG bytes and the record; its JSON too when the label's index is already known.
    private func prepare(_ sample: DatasetSample, index: Int) throws -> (png: Data, sha256: String, record: LabelledRecord) {
        let image = DatasetFiles.imageName(index, in: "images/")
        let rendered = sample.rendered
        let png = try PNG.encode(rendered.image, file: directory + "/" + image)
        // Without a label, the one class of the visible objects (as WebDataset's `.cls`), if any.
        let name = sample.label ?? (try? DatasetLabel.resolve(nil, groundTruth: rendered.groundTruth, sample: index, directory: directory))
        return (png, DatasetChecksums.sha256(of: png),
                try LabelledRecord(SampleRecord(image: image, label: name, rendered: rendered, graph: sample.graph), classMap: classMap))
    }

    private func commit(_ prepared: (png: Data, sha256: String, record: LabelledRecord)) throws {
        guard let lines else { throw InputError(file: directory, message: "append after finish") }
        var sample = prepared.record
        try InPlaceFile.write(prepared.png, to: directory + "/" + sample.record.image!)
        written.record(sample.record.image!, digest: prepared.sha256)
        for object in sample.record.objects {
            classes.insert(object.className)
            _ = classMap.index(of: object.className)
        }
        try lines.write(try sample.json(classMap: classMap))
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
                            files: [JSONLinesWriter.linesFileName], origin: origin).write(to: directory, written: written)
    }
}

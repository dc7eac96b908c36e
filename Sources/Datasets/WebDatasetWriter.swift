import Codecs
import Diagnostics
import Render
import Scene

/// WebDataset shards: `DIR/NAME-000000.tar`, `NAME-000001.tar`, ... tar number `k` holding
/// the samples with global indices `k * samplesPerShard ..< (k + 1) * samplesPerShard` (the
/// last may hold fewer). A sample is `KEY.png`, `KEY.json` (a `SampleRecord` without image
/// path: label, size, scene graph, objects with RLE masks) and, when a label is given,
/// `KEY.cls` (the label as UTF-8 text). KEY is the 6-digit global sample index. Each tar
/// appears under its name only once complete.
///
/// In a shard of a sharded run (`origin.firstIndex > 0`), tars are numbered and cut by global
/// index too, so the tars at a shard boundary hold part of a global tar each; `DatasetMerger`
/// joins them (dropping the end blocks between) into the tar a single run writes.
public final class WebDatasetWriter: DatasetWriter {
    /// The dataset's root folder.
    public let directory: String
    /// Shard file name prefix (`NAME-000000.tar`).
    public let name: String
    /// Samples per shard (≥ 1); the last shard may hold fewer.
    public let samplesPerShard: Int
    /// Samples appended so far (also the key of the next one).
    public private(set) var count = 0
    private var shard: TarWriter?
    private var shardNames: [String] = []
    private var classes: Set<String> = []
    private var finished = false
    private let origin: DatasetOrigin

    /// `samplesPerShard` ≥ 1; `name` must be a plain file name prefix (no `/`).
    public init(directory: String, name: String = "data", samplesPerShard: Int = 1000,
                origin: DatasetOrigin = DatasetOrigin()) throws {
        guard samplesPerShard >= 1 else {
            throw InputError(file: directory, path: "samplesPerShard", message: "must be at least 1, got \(samplesPerShard)")
        }
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else {
            throw InputError(file: directory, path: "name", message: "shard name '\(name)' must be a plain file name")
        }
        self.directory = directory
        self.name = name
        self.samplesPerShard = samplesPerShard
        self.origin = origin
        try DatasetFiles.prepareRoot(directory)
    }

    /// Adds the sample's `.png`, `.json` and (with a label) `.cls` members, opening a new shard
    /// when needed and closing it once full. Throws `InputError` after `finish()` or when a write fails.
    public func append(_ rendered: RenderedImage, graph: SceneGraph, label: String?) throws {
        guard !finished else { throw InputError(file: directory, message: "append after finish") }
        let index = origin.firstIndex + count
        if shard == nil {
            let shardName = name + "-" + DatasetFiles.padded(index / samplesPerShard) + ".tar"
            shard = try TarWriter(path: directory + "/" + shardName)
            shardNames.append(shardName)
        }
        let key = DatasetFiles.padded(index)
        let record = SampleRecord(image: nil, label: label, rendered: rendered, graph: graph)
        try shard!.add(name: key + ".png", contents: try PNG.encode(rendered.image, file: directory + "/" + key + ".png"))
        try shard!.add(name: key + ".json", contents: try DatasetFiles.json(record))
        if let label { try shard!.add(name: key + ".cls", contents: Array(label.utf8)) }
        for object in rendered.groundTruth.objects { classes.insert(object.className) }
        count += 1
        if (index + 1) % samplesPerShard == 0 { try closeShard() }
    }

    private func closeShard() throws {
        let current = shard
        shard = nil
        try current?.finish()
    }

    /// Closes the open shard and writes the manifest; a second call does nothing.
    public func finish() throws {
        guard !finished else { return }
        finished = true
        try closeShard()
        try DatasetManifest(format: .webdataset, count: count, classes: classes.sorted(), files: shardNames, origin: origin)
            .write(to: directory)
    }
}

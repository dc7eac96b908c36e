import Codecs
import Diagnostics
import Foundation
import Render
import Scene

/// WebDataset shards: `DIR/NAME-000000.tar`, `NAME-000001.tar`, ... tar number `k` holding
/// the samples with global indices `k * samplesPerShard ..< (k + 1) * samplesPerShard` (the
/// last may hold fewer). A sample is `KEY.png`, `KEY.json` (a `SampleRecord` without image
/// path: label, label index, size, scene graph, objects with RLE masks) and `KEY.cls`: the
/// label's integer index in the class map (`ClassMap`, `classes.json`) as decimal text, so
/// `webdataset`'s `.decode("pil").to_tuple("png", "cls")` yields `(image, int)`. The label is
/// the given one, else the one class of the visible objects (`DatasetLabel.resolve`); a sample
/// with none (several classes, nothing visible) has no `.cls`. KEY is the 6-digit global
/// sample index. Each tar appears under its name only once complete.
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
    /// Set when resuming a run whose last tar `finish()` had already closed.
    private var lastShardClosed = false
    private let origin: DatasetOrigin
    /// The dataset's class map (`classes.json`).
    public let classMap: ClassMap

    /// `samplesPerShard` ≥ 1; `name` must be a plain file name prefix (no `/`); `classes` starts
    /// the class map; `origin` places the samples in a sharded dataset.
    public init(directory: String, name: String = "data", classes: [String] = [], samplesPerShard: Int = 1000,
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
        classMap = ClassMap(classes)
        try DatasetFiles.prepareRoot(directory)
    }

    /// Continues the dataset an interrupted writer (same `name`, `classes`, `samplesPerShard`
    /// and `origin`) left in `directory`: keeps the complete tars, and from the longest copy of
    /// the tar being written the samples whose members are all complete (`.png`, `.json`, and
    /// `.cls` when the JSON has a label index), rewriting them into a new temporary tar; the
    /// rest is dropped and the class map rebuilt from the kept samples in order, so that
    /// appending the remaining samples gives the bytes of an uninterrupted run. `count` is the
    /// number of samples kept. One tar at a time is read into memory. Throws `InputError` for
    /// bad `name` or `samplesPerShard`, or when a file cannot be read or made.
    public convenience init(resuming directory: String, name: String = "data", classes: [String] = [], samplesPerShard: Int = 1000,
                            origin: DatasetOrigin = DatasetOrigin()) throws {
        try self.init(directory: directory, name: name, classes: classes, samplesPerShard: samplesPerShard, origin: origin)
        while true {
            let shardName = name + "-" + DatasetFiles.padded((origin.firstIndex + count) / samplesPerShard) + ".tar"
            let path = directory + "/" + shardName
            if OutputPaths.kind(path) == .other {      // committed: full, or the last one finish() closed
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw InputError(file: path, message: "cannot read the interrupted run's tar")
                }
                count += completeSamples(TarEntries.complete(in: Array(data))).count
                shardNames.append(shardName)
                StagedFiles.removeCopies(of: path, except: path)
                if (origin.firstIndex + count) % samplesPerShard != 0 {
                    lastShardClosed = true
                    break
                }
                continue
            }
            if let old = StagedFiles.longestCopy(of: path), let data = FileManager.default.contents(atPath: old) {
                let samples = completeSamples(TarEntries.complete(in: Array(data)))
                if !samples.isEmpty {
                    let shard = try TarWriter(path: path)
                    for entry in samples.joined() { try shard.add(name: entry.name, contents: entry.contents) }
                    self.shard = shard
                    shardNames.append(shardName)
                    count += samples.count
                    StagedFiles.removeCopies(of: path, except: shard.temporaryPath)
                }
            }
            break
        }
        StagedFiles.removeTemporaries(in: directory, except: Set([shard?.temporaryPath].compactMap { $0 }))
    }

    /// The leading complete samples of a tar's entries (keys continuing from the global index
    /// `origin.firstIndex + count`), each as its entries; their classes are added to
    /// `classes` and the class map as `append` adds them.
    private func completeSamples(_ entries: [(name: String, contents: ArraySlice<UInt8>)])
        -> [[(name: String, contents: ArraySlice<UInt8>)]] {
        var samples: [[(name: String, contents: ArraySlice<UInt8>)]] = []
        var i = 0
        while i + 1 < entries.count {
            let key = DatasetFiles.padded(origin.firstIndex + count + samples.count)
            guard entries[i].name == key + ".png", entries[i + 1].name == key + ".json",
                  let record = try? JSONDecoder().decode(SampleClasses.self, from: Data(entries[i + 1].contents)) else { break }
            var members = [entries[i], entries[i + 1]]
            if record.label != nil {
                guard i + 2 < entries.count, entries[i + 2].name == key + ".cls" else { break }
                members.append(entries[i + 2])
            }
            for object in record.objects {
                classes.insert(object.className)
                _ = classMap.index(of: object.className)
            }
            if let label = record.label { _ = classMap.index(of: label) }
            samples.append(members)
            i += members.count
        }
        return samples
    }

    /// Adds the sample's `.png`, `.json` and (with a label) `.cls` members, opening a new shard
    /// when needed and closing it once full. Throws `InputError` after `finish()` or when a write fails.
    public func append(_ rendered: RenderedImage, graph: SceneGraph, label: String?) throws {
        try append(contentsOf: [DatasetSample(rendered: rendered, graph: graph, label: label)])
    }

    /// `append` for each sample in order, the PNGs, masks and JSON made in parallel (see `DatasetWriter`).
    public func append(contentsOf samples: [DatasetSample]) throws {
        guard !finished, !lastShardClosed else { throw InputError(file: directory, message: "append after finish") }
        try OrderedAppend.run(samples, firstIndex: origin.firstIndex + count, prepare: prepare, commit: commit)
    }

    /// The sample's global index, PNG bytes and record (with its JSON when it can be made at once).
    private func prepare(_ sample: DatasetSample, index: Int) throws -> (index: Int, png: Data, record: LabelledRecord) {
        let rendered = sample.rendered
        let name = sample.label ?? (try? DatasetLabel.resolve(nil, groundTruth: rendered.groundTruth, sample: index, directory: directory))
        let record = try LabelledRecord(SampleRecord(image: nil, label: name, rendered: rendered, graph: sample.graph), classMap: classMap)
        let key = DatasetFiles.padded(index)
        return (index, try PNG.encode(rendered.image, file: directory + "/" + key + ".png"), record)
    }

    private func commit(_ sample: (index: Int, png: Data, record: LabelledRecord)) throws {
        let index = sample.index
        if shard == nil {
            let shardName = name + "-" + DatasetFiles.padded(index / samplesPerShard) + ".tar"
            shard = try TarWriter(path: directory + "/" + shardName)
            shardNames.append(shardName)
        }
        let key = DatasetFiles.padded(index)
        var record = sample.record
        for object in record.record.objects {
            classes.insert(object.className)
            _ = classMap.index(of: object.className)
        }
        let json = try record.json(classMap: classMap)
        try shard!.add(name: key + ".png", contents: sample.png)
        try shard!.add(name: key + ".json", contents: json)
        if let labelIndex = record.record.labelIndex { try shard!.add(name: key + ".cls", contents: Array(String(labelIndex).utf8)) }
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
        try classMap.write(to: directory)
        try DatasetManifest(format: .webdataset, count: count, classes: classes.sorted(), files: shardNames, origin: origin)
            .write(to: directory)
    }
}

import Codecs
import Diagnostics
import Foundation
import Render
import Scene

/// Writes a dataset one rendered image at a time, in constant memory: each image goes to disk
/// as it comes; only small per-run state (counts, class names) is kept.
///
/// Every file is written through `AtomicFileWriter` (temporary name, then rename). A writer's
/// summary file (`DatasetManifest.fileName`) is written last by `finish()`: its presence marks
/// a complete run; an interrupted run leaves no manifest (and, for COCO, no annotation file).
public protocol DatasetWriter: AnyObject {
    /// The dataset's root folder.
    var directory: String { get }
    /// Images appended so far.
    var count: Int { get }
    /// Writes one image with its scene graph and ground truth. `label` is the image-level
    /// class (ImageFolder's folder, WebDataset's `.cls`); nil means "derive it where needed"
    /// (see `DatasetLabel.resolve`).
    func append(_ rendered: RenderedImage, graph: SceneGraph, label: String?) throws
    /// Appends `samples` in order, giving the bytes `append(_:graph:label:)` one by one gives;
    /// their images are encoded in parallel and written in order (`OrderedAppend`). When a
    /// sample fails, the ones before it are appended (`count` says how many), none after it,
    /// and its error is rethrown.
    func append(contentsOf samples: [DatasetSample]) throws
    /// Writes whatever closes the dataset (annotation file, last shard, manifest). Appending
    /// after `finish()` throws.
    func finish() throws
}

/// The dataset formats `metasim render/generate --format` accepts.
public enum DatasetFormat: String, CaseIterable, Codable, Sendable {
    /// `ImageFolderWriter`, `COCOWriter`, `JSONLinesWriter`, `WebDatasetWriter` and
    /// `KITTIWriter` respectively.
    case imagefolder, coco, jsonl, webdataset, kitti

    /// A writer of this format into `directory` (created if missing). `classes` starts the
    /// dataset's class map (`ClassMap`, `classes.json`: integer labels 0…K−1, COCO category ids
    /// 1…K in this order): pass what objects can be (`Grammar.objectClasses`);
    /// `samplesPerShard` is for WebDataset only; `origin` places the samples in a larger
    /// (sharded) dataset and gives the manifest's provenance; `cameraProjection` is for KITTI
    /// only (an image's 3 × 4 camera projection, see `KITTIWriter`).
    public func makeWriter(directory: String, classes: [String], samplesPerShard: Int = 1000,
                           origin: DatasetOrigin = DatasetOrigin(),
                           cameraProjection: ((SceneGraph) throws -> [[Double]])? = nil) throws -> DatasetWriter {
        switch self {
        case .imagefolder: return try ImageFolderWriter(directory: directory, classes: classes, origin: origin)
        case .coco: return try COCOWriter(directory: directory, classes: classes, origin: origin)
        case .jsonl: return try JSONLinesWriter(directory: directory, classes: classes, origin: origin)
        case .webdataset: return try WebDatasetWriter(directory: directory, classes: classes, samplesPerShard: samplesPerShard, origin: origin)
        case .kitti: return try KITTIWriter(directory: directory, classes: classes, origin: origin, cameraProjection: cameraProjection)
        }
    }

    /// A writer of this format continuing the dataset an interrupted writer (same `classes`,
    /// `samplesPerShard` and `origin`) left in `directory`: its `count` is the number of
    /// leading samples found complete and kept; appending samples `count…` and finishing gives
    /// the bytes of an uninterrupted run. See each writer's `init(resuming:…)`. Throws
    /// `InputError` for `kitti`, which cannot resume yet (its label files leave out objects of
    /// non-KITTI classes, so the class map of the kept samples cannot be rebuilt).
    public func resumeWriter(directory: String, classes: [String], samplesPerShard: Int = 1000,
                             origin: DatasetOrigin = DatasetOrigin()) throws -> DatasetWriter {
        switch self {
        case .imagefolder: return try ImageFolderWriter(resuming: directory, classes: classes, origin: origin)
        case .coco: return try COCOWriter(resuming: directory, classes: classes, origin: origin)
        case .jsonl: return try JSONLinesWriter(resuming: directory, classes: classes, origin: origin)
        case .webdataset: return try WebDatasetWriter(resuming: directory, classes: classes, samplesPerShard: samplesPerShard, origin: origin)
        case .kitti: throw InputError(file: directory, path: "--resume", message: "the kitti format cannot resume an interrupted dataset yet: write it again with --overwrite")
        }
    }
}

/// Image-level labels.
public enum DatasetLabel {
    /// `label` when given; otherwise the class shared by every visible object (an MNIST scene's
    /// one digit). Throws when there is none or several. The result must be usable as a folder
    /// name: non-empty, no `/`, not `.` or `..`, no NUL, no leading `.`.
    public static func resolve(_ label: String?, groundTruth: GroundTruth, sample: Int, directory: String) throws -> String {
        let name: String
        if let label {
            name = label
        } else {
            let classes = Set(groundTruth.objects.filter { $0.visiblePixels > 0 }.map(\.className))
            guard classes.count == 1 else {
                throw InputError(file: directory, path: "sample[\(sample)].label", message: classes.isEmpty
                    ? "no label given and no visible object to take the class from"
                    : "no label given and the visible objects have several classes (\(classes.sorted().joined(separator: ", ")))")
            }
            name = classes.first!
        }
        // Bytes checked in the UTF-8 view: `String.contains` of a string goes through Foundation's
        // `range(of:)` (in a profile half as long as a 32×32 PNG encode; issue 15).
        guard !name.isEmpty, !name.hasPrefix("."), !name.utf8.contains(UInt8(ascii: "/")), !name.utf8.contains(0) else {
            throw InputError(file: directory, path: "sample[\(sample)].label",
                             message: "label '\(name)' cannot be a folder name (empty, leading '.', or '/')")
        }
        return name
    }
}

/// Shared helpers of the writers.
enum DatasetFiles {
    /// `n` in decimal, zero-padded to `width` digits (sample keys and shard numbers).
    static func padded(_ n: Int, width: Int = 6) -> String {
        let digits = String(n)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Creates `path` (and parents) if missing; throws when it exists as a file or cannot be made.
    static func makeFolder(_ path: String) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw InputError(file: path, message: "exists and is not a folder") }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw InputError(file: path, message: "cannot create folder: \(error.localizedDescription)")
        }
    }

    /// Makes a writer's root folder `directory` (and `subfolder` in it, when given) and removes
    /// a manifest a previous run left there, before the new run writes its first byte: a
    /// folder being (re)written never claims to be complete. (`DatasetOutputFolder` keeps
    /// `render`/`generate` from writing into a used folder at all.)
    static func prepareRoot(_ directory: String, subfolder: String? = nil) throws {
        try makeFolder(directory)
        let manifest = directory + "/" + DatasetManifest.fileName
        if unlink(manifest) != 0 && errno != ENOENT {
            throw InputError(file: manifest, message: "cannot remove the previous run's manifest: " + String(cString: strerror(errno)))
        }
        if let subfolder { try makeFolder(directory + "/" + subfolder) }
    }

    /// `prefix` + the 6-digit (or wider) global index + `.png`.
    static func imageName(_ index: Int, in prefix: String = "") -> String {
        prefix + padded(index) + ".png"
    }

    /// Deterministic compact JSON (sorted keys, `/` unescaped).
    static func json<T: Encodable>(_ value: T) throws -> Data {
        try SceneGraph.jsonEncoder().encode(value)
    }
}

/// The SHA-256 of each per-sample file a writer wrote in this run (relative path → digest),
/// computed from the bytes while they are prepared (in parallel), so that the manifest need
/// not read those files back (issue 15: one small file per image). Files not recorded here —
/// streamed files, shards, the class map, files kept from an interrupted run — are read back.
struct WrittenFiles {
    private(set) var digests: [String: String] = [:]

    /// Notes that `relative` (below the dataset folder, `/`-separated) now holds bytes with `digest`.
    mutating func record(_ relative: String, digest: String) { digests[relative] = digest }
}

/// The summary every writer leaves as its last file, `DIR/metasim-dataset.json`: its presence
/// marks a complete dataset, and `metasim verify DIR` checks the folder against it.
public struct DatasetManifest: Codable, Equatable, Sendable {
    /// Name of the manifest inside the dataset folder.
    public static let fileName = "metasim-dataset.json"
    /// Which writer produced the folder.
    public var format: DatasetFormat
    /// Samples (images) in the dataset.
    public var count: Int
    /// ImageFolder: the label folders; COCO: the categories in id order; others: classes seen.
    public var classes: [String]
    /// The files that make the dataset, relative to its folder (annotation file, lines file,
    /// shards); empty for ImageFolder, whose content is its folders.
    public var files: [String]
    /// Every file of the dataset but the manifest (images included), relative to its folder
    /// with `/` separators, mapped to its SHA-256 as 64 lower-case hex digits. Nil in manifests
    /// written before checksums existed.
    public var sha256: [String: String]?
    /// What the samples were generated from (command, seed, input digests); nil for datasets
    /// written without it (library use, older manifests).
    public var provenance: DatasetProvenance?
    /// Set only in a shard of a sharded run (`render --shard I --num-shards N`): which shard,
    /// and its global sample range. A merged dataset, like a single-process run, has none.
    public var shard: DatasetShard?

    /// Makes a manifest; `sha256` is normally left nil and filled in when the manifest is written.
    public init(format: DatasetFormat, count: Int, classes: [String], files: [String], sha256: [String: String]? = nil,
                provenance: DatasetProvenance? = nil, shard: DatasetShard? = nil) {
        self.format = format
        self.count = count
        self.classes = classes
        self.files = files
        self.sha256 = sha256
        self.provenance = provenance
        self.shard = shard
    }

    /// A writer's manifest, with `origin`'s provenance and shard.
    init(format: DatasetFormat, count: Int, classes: [String], files: [String], origin: DatasetOrigin) {
        self.init(format: format, count: count, classes: classes, files: files, provenance: origin.provenance, shard: origin.shard)
    }

    /// Reads `DIR/metasim-dataset.json`. Throws an `InputError` naming the manifest when it is
    /// missing (an incomplete or foreign folder) or not a manifest.
    public static func read(from directory: String) throws -> DatasetManifest {
        let path = directory + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, message: "missing: not a complete MetaSim dataset (interrupted run, or not written by MetaSim)")
        }
        do {
            return try JSONDecoder().decode(DatasetManifest.self, from: data)
        } catch {
            throw InputError(file: path, message: "not a MetaSim dataset manifest")
        }
    }

    /// Checksums every file now in `directory` (the manifest's last act, after every other
    /// file is complete) and writes the manifest through a temporary name and a rename.
    /// `written`: digests of the files the writer wrote in this run, from their bytes
    /// (`WrittenFiles`); every other file is read back.
    func write(to directory: String, written: WrittenFiles = WrittenFiles()) throws {
        var complete = self
        complete.sha256 = try DatasetChecksums.checksums(of: directory, excluding: [DatasetManifest.fileName], known: written.digests)
        try AtomicFile.write(complete.jsonBytes(), to: directory + "/" + DatasetManifest.fileName)
    }
}

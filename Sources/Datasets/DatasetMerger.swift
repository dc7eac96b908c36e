import Codecs
import Diagnostics
import Foundation

/// Joins the shards of a sharded run (`ShardSet`) into one dataset: byte for byte the dataset
/// a single process writes with the same command, seed and count — images, labels and
/// manifest (which then has no `shard`) — because shards name files and ids by global sample
/// index:
///
/// - ImageFolder, images: files copied (their names are global indices already);
/// - JSON Lines: `dataset.jsonl` concatenated in shard order;
/// - COCO: `images` entries as written (ids are global index + 1); `annotations` renumbered
///   1, 2, … in shard order (a shard numbers its own from 1) and their `category_id`s mapped to
///   the merged categories: the renderer's classes, then classes met later in order of first
///   appearance over the shards — what a single run assigns;
/// - WebDataset: tars listed in order; the parts of one global tar that sit in neighbouring
///   shards are joined (the end blocks between them dropped).
///
/// The class map (`classes.json`) is the shards' maps joined in order (`mergeClassMaps`).
///
/// Memory: one shard's COCO annotation file at a time; everything else streams.
public enum DatasetMerger {
    /// Writes the merged dataset into `directory` (an empty staging folder: `DatasetOutputFolder`
    /// renames it into place), manifest last. Returns its manifest. Throws `InputError`s naming
    /// the shard file that cannot be read or does not have the layout its writer gives.
    @discardableResult
    public static func merge(_ shards: ShardSet, into directory: String) throws -> DatasetManifest {
        try mergeClassMaps(shards, into: directory)
        let classes: [String]
        let files: [String]
        switch shards.format {
        case .imagefolder:
            try copyImages(shards, into: directory) { $0 != ClassMap.fileName }
            classes = Array(Set(shards.members.flatMap(\.manifest.classes))).sorted()
            files = []
        case .jsonl:
            try copyImages(shards, into: directory) { $0.hasPrefix("images/") }
            try concatenate(shards.members.map { $0.directory + "/" + JSONLinesWriter.linesFileName },
                            into: directory + "/" + JSONLinesWriter.linesFileName)
            classes = Array(Set(shards.members.flatMap(\.manifest.classes))).sorted()
            files = [JSONLinesWriter.linesFileName]
        case .coco:
            try copyImages(shards, into: directory) { $0.hasPrefix("images/") }
            classes = try COCOMerge.merge(shards, into: directory)
            files = [COCOWriter.annotationFileName]
        case .kitti:
            try copyImages(shards, into: directory) { $0 != ClassMap.fileName }
            classes = Array(Set(shards.members.flatMap(\.manifest.classes))).sorted()
            files = []
        case .webdataset:
            files = try joinTars(shards, into: directory)
            classes = Array(Set(shards.members.flatMap(\.manifest.classes))).sorted()
        }
        let manifest = DatasetManifest(format: shards.format, count: shards.total, classes: classes, files: files,
                                       provenance: shards.provenance, shard: nil)
        try manifest.write(to: directory)
        return try DatasetManifest.read(from: directory)
    }

    /// Writes the merged class map (`classes.json`): the shards' maps joined in shard order,
    /// each class once — what a single run builds, since every writer starts from the same class
    /// list and appends classes met later in order of first appearance. WebDataset `.cls` and
    /// JSON Lines `label_index` hold indices into the shard's own map, so for those formats each
    /// shard's map must be a prefix of the merged one (no shard met a class an earlier shard did
    /// not); otherwise no exact merge exists: an `InputError` naming the shard's map.
    static func mergeClassMaps(_ shards: ShardSet, into directory: String) throws {
        let maps = shards.members.map { (member: $0, names: ClassMap.read(from: $0.directory)) }
        guard maps.contains(where: { $0.names != nil }) else { return }
        var merged: [String] = [], seen: Set<String> = []
        for name in maps.flatMap({ $0.names ?? [] }) where seen.insert(name).inserted { merged.append(name) }
        if shards.format == .webdataset || shards.format == .jsonl {
            for (member, names) in maps where Array(merged.prefix(names?.count ?? 0)) != (names ?? []) {
                throw InputError(file: member.directory + "/" + ClassMap.fileName,
                                 message: "this shard numbered labels from a class map that is not a prefix of the merged one \(merged) (it met a class an earlier shard did not): its label indices cannot be merged exactly")
            }
        }
        try ClassMap(merged).write(to: directory)
    }

    /// Copies every checksummed file of each shard that `include` accepts (relative path) and
    /// that is not one of the manifest's index files, making folders as needed. Two shards
    /// holding the same path is an error (global names never collide).
    static func copyImages(_ shards: ShardSet, into directory: String, include: (String) -> Bool) throws {
        var seen: [String: String] = [:]
        for member in shards.members {
            let indexFiles = Set(member.manifest.files)
            for path in (member.manifest.sha256 ?? [:]).keys.sorted() where include(path) && !indexFiles.contains(path) {
                if let other = seen[path] {
                    throw InputError(file: member.directory + "/" + path, message: "also in \(other): shards overlap")
                }
                seen[path] = member.directory
                let folder = (path as NSString).deletingLastPathComponent
                if !folder.isEmpty { try DatasetFiles.makeFolder(directory + "/" + folder) }
                try concatenate([member.directory + "/" + path], into: directory + "/" + path)
            }
        }
    }

    /// Writes the files at `sources`, one after the other, to `destination` (temporary name,
    /// then rename).
    static func concatenate(_ sources: [String], into destination: String) throws {
        try AtomicFile.write(to: destination) { out in
            for source in sources {
                guard let input = FileHandle(forReadingAtPath: source) else {
                    throw InputError(file: source, message: "cannot open for reading")
                }
                defer { try? input.close() }
                while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty { try out.write(chunk) }
            }
        }
    }

    /// Writes the merged WebDataset tars in order; returns their names.
    static func joinTars(_ shards: ShardSet, into directory: String) throws -> [String] {
        var names: [String] = []
        var current: AtomicFileWriter?
        defer { current?.abort() }
        for member in shards.members {
            for name in member.manifest.files {
                let source = member.directory + "/" + name
                if names.last != name {
                    if let open = current {
                        try open.write([UInt8](repeating: 0, count: 1024))
                        try open.commit()
                    }
                    current = try AtomicFileWriter(path: directory + "/" + name)
                    names.append(name)
                }
                try copyMembers(of: source, into: current!)
            }
        }
        if let open = current {
            try open.write([UInt8](repeating: 0, count: 1024))
            try open.commit()
            current = nil
        }
        return names
    }

    /// Appends the members of the archive at `path` (headers and contents, without the end
    /// blocks) to `out`.
    static func copyMembers(of path: String, into out: AtomicFileWriter) throws {
        var length = try TarReader.membersLength(of: path)
        guard let input = FileHandle(forReadingAtPath: path) else { throw InputError(file: path, message: "cannot open for reading") }
        defer { try? input.close() }
        while length > 0, let chunk = try input.read(upToCount: Int(min(length, 1 << 20))), !chunk.isEmpty {
            try out.write(chunk)
            length -= UInt64(chunk.count)
        }
        guard length == 0 else { throw InputError(file: path, message: "truncated archive") }
    }
}

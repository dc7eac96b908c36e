import Diagnostics
import Foundation

/// Checks a dataset folder against its manifest (`metasim verify DIR`).
public enum DatasetVerifier {
    /// What a successful check covered.
    public struct Report: Sendable {
        /// The manifest the folder was checked against.
        public var manifest: DatasetManifest
        /// Files whose SHA-256 matched (every file but the manifest).
        public var filesChecked: Int
    }

    /// At most this many problems are listed; the rest are counted in one last line.
    public static let maximumProblems = 50

    /// Checks that `directory` holds exactly the dataset its `metasim-dataset.json` describes:
    /// every listed file present with the listed SHA-256, no other file (left-overs of another
    /// run, temporaries), no links, FIFOs or devices, the format's index files listed, and the
    /// sample count as the format counts it (ImageFolder and COCO/JSON Lines: the PNGs, JSON
    /// Lines: the lines, COCO: the `images` entries, WebDataset: the `.png` members of the
    /// shards) equal to `count`; ImageFolder's label folders equal to `classes`.
    ///
    /// Throws `InputError` (no or unreadable manifest, or one without checksums) or
    /// `InputErrors` with every problem found, each naming the file concerned.
    public static func verify(directory: String) throws -> Report {
        let manifest = try DatasetManifest.read(from: directory)
        let manifestPath = directory + "/" + DatasetManifest.fileName
        guard let listed = manifest.sha256 else {
            throw InputError(file: manifestPath, path: "sha256",
                             message: "missing: written by an older MetaSim without checksums; render the dataset again")
        }
        var problems: [InputError] = []
        var nonRegular: [String] = []
        let present = try DatasetChecksums.files(in: directory, excluding: [DatasetManifest.fileName], nonRegular: &nonRegular)
        for path in nonRegular {
            problems.append(InputError(file: directory + "/" + path, message: "not a regular file (link, FIFO or device)"))
        }
        let presentSet = Set(present)
        for path in present where listed[path] == nil {
            problems.append(InputError(file: directory + "/" + path, message: "not listed in the manifest (left over from another run?)"))
        }
        var checked = 0
        for (path, expected) in listed.sorted(by: { $0.key < $1.key }) {
            guard presentSet.contains(path) else {
                problems.append(InputError(file: directory + "/" + path, message: "listed in the manifest but missing"))
                continue
            }
            do {
                if try DatasetChecksums.sha256(ofFile: directory + "/" + path) == expected {
                    checked += 1
                } else {
                    problems.append(InputError(file: directory + "/" + path, message: "SHA-256 differs from the manifest's (changed or corrupt)"))
                }
            } catch let error as InputError {
                problems.append(error)
            }
        }
        for file in manifest.files where listed[file] == nil {
            problems.append(InputError(file: manifestPath, path: "files", message: "'\(file)' has no checksum"))
        }
        problems += countProblems(manifest, present: present, directory: directory)
        guard problems.isEmpty else {
            var shown = Array(problems.prefix(maximumProblems))
            if problems.count > maximumProblems {
                shown.append(InputError(file: directory, message: "… and \(problems.count - maximumProblems) more problems"))
            }
            throw InputErrors(shown)
        }
        return Report(manifest: manifest, filesChecked: checked)
    }

    /// The format's own sample count (and ImageFolder's classes) against the manifest's.
    static func countProblems(_ manifest: DatasetManifest, present: [String], directory: String) -> [InputError] {
        let manifestPath = directory + "/" + DatasetManifest.fileName
        func mismatch(_ what: String, _ found: Int) -> InputError {
            InputError(file: manifestPath, path: "count", message: "says \(manifest.count) samples but the folder holds \(found) \(what)")
        }
        var problems: [InputError] = []
        let pngs = present.filter { $0.hasSuffix(".png") }
        do {
            switch manifest.format {
            case .imagefolder:
                let images = pngs.filter { $0.split(separator: "/").count == 2 }
                if images.count != manifest.count { problems.append(mismatch("images in label folders", images.count)) }
                let labels = Set(images.map { String($0.split(separator: "/")[0]) })
                if labels != Set(manifest.classes) {
                    problems.append(InputError(file: manifestPath, path: "classes",
                                               message: "lists \(manifest.classes.sorted()) but the label folders are \(labels.sorted())"))
                }
            case .coco, .jsonl:
                let images = pngs.filter { $0.hasPrefix("images/") }
                if images.count != manifest.count { problems.append(mismatch("images in images/", images.count)) }
                if manifest.format == .jsonl {
                    let lines = try lineCount(directory + "/" + JSONLinesWriter.linesFileName)
                    if lines != manifest.count { problems.append(mismatch("lines in \(JSONLinesWriter.linesFileName)", lines)) }
                } else {
                    let entries = try cocoImageCount(directory + "/" + COCOWriter.annotationFileName)
                    if entries != manifest.count { problems.append(mismatch("entries in annotations.json 'images'", entries)) }
                }
            case .kitti:
                for (folder, suffix) in [(KITTIWriter.imageFolder, ".png"), (KITTIWriter.labelFolder, ".txt")] {
                    let files = present.filter { $0.hasPrefix(folder + "/") && $0.hasSuffix(suffix) }
                    if files.count != manifest.count { problems.append(mismatch("files in \(folder)/", files.count)) }
                }
            case .webdataset:
                var samples = 0
                for shard in manifest.files { samples += try TarReader.memberNames(of: directory + "/" + shard).filter { $0.hasSuffix(".png") }.count }
                if samples != manifest.count { problems.append(mismatch(".png members in its shards", samples)) }
            }
        } catch let error as InputError {
            problems.append(error)
        } catch {
            problems.append(InputError(file: directory, message: "cannot count samples: \(error.localizedDescription)"))
        }
        return problems
    }

    static func lineCount(_ path: String) throws -> Int {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw InputError(file: path, message: "cannot open for reading") }
        defer { try? handle.close() }
        var lines = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { lines += chunk.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
        return lines
    }

    static func cocoImageCount(_ path: String) throws -> Int {
        guard let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let images = object["images"] as? [Any] else {
            throw InputError(file: path, message: "not a COCO annotation file (no 'images' list)")
        }
        return images.count
    }
}

/// Reads the member names of a ustar archive (headers only; contents are skipped).
enum TarReader {
    /// Names of the members of the archive at `path`, in order. Throws an `InputError` naming
    /// the archive when a header is truncated or its size field is not octal.
    static func memberNames(of path: String) throws -> [String] {
        try walk(path).names
    }

    /// Bytes of the archive at `path` before its end blocks: its members' headers and contents.
    static func membersLength(of path: String) throws -> UInt64 {
        try walk(path).length
    }

    /// The member names and the offset of the first end block.
    private static func walk(_ path: String) throws -> (names: [String], length: UInt64) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw InputError(file: path, message: "cannot open for reading") }
        defer { try? handle.close() }
        var names: [String] = []
        var offset: UInt64 = 0
        while true {
            try handle.seek(toOffset: offset)
            guard let block = try handle.read(upToCount: 512), block.count == 512 else {
                throw InputError(file: path, message: "truncated archive (no end blocks)")
            }
            let bytes = [UInt8](block)
            if bytes.allSatisfy({ $0 == 0 }) { return (names, offset) }
            let name = String(decoding: bytes[0..<100].prefix { $0 != 0 }, as: UTF8.self)
            let sizeText = String(decoding: bytes[124..<136].prefix { $0 != 0 && $0 != 0x20 }, as: UTF8.self)
            guard let size = UInt64(sizeText, radix: 8) else {
                throw InputError(file: path, path: name, message: "bad size field in tar header")
            }
            names.append(name)
            offset += 512 + (size + 511) / 512 * 512
        }
    }
}

import Codecs
import Diagnostics
import Foundation
import Render
import Scene

/// COCO detection/segmentation format: `DIR/images/NNNNNN.png` and `DIR/annotations.json`:
///
/// - `images`: `id` (global sample index + 1: from 1 in append order, or from
///   `origin.firstIndex + 1` in a shard), `file_name` (`images/NNNNNN.png`, the global index),
///   `width`, `height`;
/// - `categories`: `id` from 1 in the order of the renderer's class list given at creation,
///   `name`, `supercategory` "object"; a class met later that is not in the list gets the next id;
/// - `annotations`: one per object with at least one visible pixel: unique `id` from 1,
///   `image_id`, `category_id`, `bbox` [x, y, w, h] of its visible pixels, `area` (visible pixel
///   count), `iscrowd` 0, `segmentation` its instance mask as compressed RLE
///   (`{"size": [h, w], "counts": "..."}`, COCO column-major; `segmentation: .uncompressedRLE`
///   writes the counts as a list). Hidden or off-canvas objects have no annotation.
///
/// Streaming: entries go to one hidden part file (`.coco-entries.part`) as they come, one per
/// line, tagged `C` (a category met later: its name as a JSON string), `A` (an annotation) or
/// `I` (an image, after its annotations, so that a complete `I` line closes its sample);
/// `finish()` assembles `annotations.json` from it (through a temporary name) and deletes it,
/// so the annotation file exists only for a complete run. `init(resuming:…)` continues an
/// interrupted run from the samples the part file holds complete.
public final class COCOWriter: DatasetWriter {
    /// How `segmentation` masks are written: `compressedRLE` as a counts string (the default),
    /// `uncompressedRLE` as a counts list.
    public enum Segmentation: Sendable { case compressedRLE, uncompressedRLE }
    /// Name of the annotation file inside the dataset folder.
    public static let annotationFileName = "annotations.json"
    /// Name of the part file (tagged lines) inside the dataset folder while it is written.
    static let partFileName = ".coco-entries.part"

    /// The dataset's root folder.
    public let directory: String
    /// Images appended so far (the next image gets id `count + 1`).
    public private(set) var count = 0
    /// Category names in id order (id = position + 1): the given classes, then any met later.
    public private(set) var categories: [String]
    private var categoryIds: [String: Int]
    private let segmentation: Segmentation
    private var annotationCount = 0
    private var part: AtomicFileWriter?
    private var written = WrittenFiles()
    private let origin: DatasetOrigin

    /// Creates `directory/images` (and parents), removes an old manifest there and opens the
    /// part file; duplicate names in `classes` are kept once. Throws `InputError` when a folder
    /// cannot be made or the part file cannot be opened.
    public init(directory: String, classes: [String], segmentation: Segmentation = .compressedRLE,
                origin: DatasetOrigin = DatasetOrigin()) throws {
        self.directory = directory
        self.origin = origin
        self.segmentation = segmentation
        categories = []
        categoryIds = [:]
        try DatasetFiles.prepareRoot(directory, subfolder: "images")
        part = try AtomicFileWriter(path: directory + "/" + COCOWriter.partFileName)
        for name in classes where categoryIds[name] == nil { addCategory(name) }
    }

    /// Continues the dataset an interrupted writer (same `classes`, `segmentation` and
    /// `origin`) left in `directory`: keeps the samples whose `I` line is complete in the
    /// longest copy of the part file and whose image is complete, up to the first that is not,
    /// and drops the rest (an annotation file of a run killed while finishing included), so
    /// that appending the remaining samples gives the bytes of an uninterrupted run. `count`
    /// is the number of samples kept. Throws `InputError` when a file cannot be read or made.
    public convenience init(resuming directory: String, classes: [String], segmentation: Segmentation = .compressedRLE,
                            origin: DatasetOrigin = DatasetOrigin()) throws {
        try self.init(directory: directory, classes: classes, segmentation: segmentation, origin: origin)
        let path = directory + "/" + COCOWriter.partFileName
        let fresh = part!
        if let old = StagedFiles.longestCopy(of: path, except: fresh.temporaryPath) {
            var sample: [ArraySlice<UInt8>] = []     // the lines of the sample being read
            try StagedFiles.forEachLine(in: old) { line in
                sample.append(line)
                switch line.first {
                case UInt8(ascii: "C"), UInt8(ascii: "A"):
                    return true
                case UInt8(ascii: "I"):
                    guard StagedFiles.isCompletePNG(DatasetFiles.imageName(origin.firstIndex + count, in: directory + "/images/")) else { return false }
                    for kept in sample {
                        if kept.first == UInt8(ascii: "C") {
                            guard let name = try? JSONDecoder().decode(String.self, from: Data(kept.dropFirst())) else { return false }
                            if categoryIds[name] == nil { addCategory(name) }
                        } else if kept.first == UInt8(ascii: "A") {
                            annotationCount += 1
                        }
                        try fresh.write(kept)
                        try fresh.write([0x0A])
                    }
                    sample = []
                    count += 1
                    return true
                default:
                    return false
                }
            }
        }
        StagedFiles.removeCopies(of: path, except: fresh.temporaryPath)
        StagedFiles.removeTemporaries(in: directory, except: [fresh.temporaryPath])
        StagedFiles.removeTemporaries(in: directory + "/images")
        unlink(directory + "/" + COCOWriter.annotationFileName)
        StagedFiles.removeImages(in: directory + "/images", from: origin.firstIndex + count)
    }

    @discardableResult
    private func addCategory(_ name: String) -> Int {
        categories.append(name)
        categoryIds[name] = categories.count
        return categories.count
    }

    /// Writes the PNG and queues its annotation and image entries (`label` is not used by COCO).
    /// Throws `InputError` after `finish()`, or when a file cannot be written.
    public func append(_ rendered: RenderedImage, graph: SceneGraph, label: String?) throws {
        try append(contentsOf: [DatasetSample(rendered: rendered, graph: graph, label: label)])
    }

    /// `append` for each sample in order, the PNGs and masks made in parallel (see `DatasetWriter`).
    public func append(contentsOf samples: [DatasetSample]) throws {
        guard part != nil else { throw InputError(file: directory, message: "append after finish") }
        try OrderedAppend.run(samples, firstIndex: origin.firstIndex + count, prepare: prepare, commit: commit)
    }

    /// What `commit` needs of one sample.
    private struct Prepared {
        var imageId: Int
        var fileName: String
        var png: Data
        var pngSHA256: String
        var truth: GroundTruth
        var masks: [Int: COCORLE]
    }

    private func prepare(_ sample: DatasetSample, index: Int) throws -> Prepared {
        let truth = sample.rendered.groundTruth
        let fileName = DatasetFiles.imageName(index, in: "images/")
        let png = try PNG.encode(sample.rendered.image, file: directory + "/" + fileName)
        return Prepared(imageId: index + 1, fileName: fileName, png: png, pngSHA256: DatasetChecksums.sha256(of: png), truth: truth,
                        masks: COCORLE.instances(of: truth.instanceMask, width: truth.width, height: truth.height))
    }

    private func commit(_ sample: Prepared) throws {
        guard let part else { throw InputError(file: directory, message: "append after finish") }
        let truth = sample.truth
        try InPlaceFile.write(sample.png, to: directory + "/" + sample.fileName)
        written.record(sample.fileName, digest: sample.pngSHA256)
        for object in truth.objects {
            guard let box = object.bbox, let mask = sample.masks[object.instanceId] else { continue }
            annotationCount += 1
            let category: Int
            if let known = categoryIds[object.className] {
                category = known
            } else {
                category = addCategory(object.className)
                try COCOWriter.writeEntry("C", try DatasetFiles.json(object.className), to: part)
            }
            let record = COCOAnnotation(
                id: annotationCount, imageId: sample.imageId, categoryId: category,
                bbox: [box.x, box.y, box.width, box.height], area: mask.area, iscrowd: 0,
                segmentation: segmentation == .compressedRLE ? .compressed(mask) : .uncompressed(mask.uncompressedJSON))
            try COCOWriter.writeEntry("A", record.jsonBytes(), to: part)
        }
        try COCOWriter.writeEntry("I", COCOImage(id: sample.imageId, fileName: sample.fileName, width: truth.width,
                                                 height: truth.height).jsonBytes(), to: part)
        count += 1
    }

    /// Writes `annotations.json`, removes the part file, then writes the manifest; a second
    /// call does nothing.
    public func finish() throws {
        guard let part else { return }
        self.part = nil
        try part.commit()
        defer { unlink(part.path) }
        try COCOWriter.writeAnnotationFile(directory + "/" + COCOWriter.annotationFileName, categories: categories, part: part.path)
        try ClassMap(categories).write(to: directory)
        // The part file goes before the manifest checksums the folder.
        unlink(part.path)
        try DatasetManifest(format: .coco, count: count, classes: categories,
                            files: [COCOWriter.annotationFileName], origin: origin).write(to: directory, written: written)
    }

    /// Appends one part-file line: `tag` (`I`, `A` or `C`), the entry's JSON, a newline.
    static func writeEntry<JSON: Collection>(_ tag: Character, _ json: JSON, to part: AtomicFileWriter) throws
    where JSON.Element == UInt8 {
        try part.write(String(tag))
        try part.write(json)
        try part.write([0x0A])
    }

    /// Writes the annotation file `path` (through a temporary name) from a part file of
    /// tagged lines (`writeEntry`: `I` the `images` entries, `A` the `annotations` entries, in
    /// order; other lines ignored) and `categories` (ids from 1 in order). The one place the
    /// file's layout is spelled out: `DatasetMerger` assembles merged files with it too, so
    /// both give the same bytes.
    static func writeAnnotationFile(_ path: String, categories: [String], part: String) throws {
        let categoryList = categories.enumerated().map { COCOCategory(id: $0.offset + 1, name: $0.element) }
        try AtomicFile.write(to: path) { out in
            try out.write(#"{"info":{"description":"MetaSim synthetic dataset","version":"1.0"},"licenses":[],"#)
            try out.write(#""images":["#)
            try copyEntries(tagged: UInt8(ascii: "I"), from: part, into: out)
            try out.write(#"],"annotations":["#)
            try copyEntries(tagged: UInt8(ascii: "A"), from: part, into: out)
            try out.write(#"],"categories":"#)
            try out.write(try DatasetFiles.json(categoryList))
            try out.write("}\n")
        }
    }

    /// Copies the part file's lines tagged `tag` to `out`, without tag and newline, separated by commas.
    private static func copyEntries(tagged tag: UInt8, from part: String, into out: AtomicFileWriter) throws {
        var first = true
        try StagedFiles.forEachLine(in: part, maximumLine: .max) { line in
            if line.first == tag {
                if !first { try out.write(",") }
                try out.write(line.dropFirst())
                first = false
            }
            return true
        }
    }
}

struct COCOImage: Codable {
    var id: Int
    var fileName: String
    var width: Int
    var height: Int
    enum CodingKeys: String, CodingKey { case id, fileName = "file_name", width, height }
}

struct COCOCategory: Codable {
    var id: Int
    var name: String
    var supercategory = "object"
}

struct COCOAnnotation: Codable {
    enum Mask: Codable {
        case compressed(COCORLE), uncompressed(UncompressedCOCORLE), compressedText(CompressedText)
        /// A compressed RLE read back as written (counts kept as text, not decoded), so that
        /// merging re-encodes it to the same bytes.
        struct CompressedText: Codable { var size: [Int]; var counts: String }

        func encode(to encoder: Encoder) throws {
            switch self {
            case .compressed(let rle): try rle.encode(to: encoder)
            case .uncompressed(let rle): try rle.encode(to: encoder)
            case .compressedText(let rle): try rle.encode(to: encoder)
            }
        }
        /// Compressed (string counts, kept as text) or uncompressed (list counts), as written.
        init(from decoder: Decoder) throws {
            if let text = try? CompressedText(from: decoder) {
                self = .compressedText(text)
            } else {
                self = .uncompressed(try UncompressedCOCORLE(from: decoder))
            }
        }
    }
    var id: Int
    var imageId: Int
    var categoryId: Int
    var bbox: [Int]
    var area: Int
    var iscrowd: Int
    var segmentation: Mask
    enum CodingKeys: String, CodingKey {
        case id, imageId = "image_id", categoryId = "category_id", bbox, area, iscrowd, segmentation
    }
}

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
/// Streaming: image and annotation entries go to two hidden part files as they come;
/// `finish()` assembles `annotations.json` from them (through a temporary name) and deletes
/// them, so the annotation file exists only for a complete run.
public final class COCOWriter: DatasetWriter {
    /// How `segmentation` masks are written: `compressedRLE` as a counts string (the default),
    /// `uncompressedRLE` as a counts list.
    public enum Segmentation: Sendable { case compressedRLE, uncompressedRLE }
    /// Name of the annotation file inside the dataset folder.
    public static let annotationFileName = "annotations.json"

    /// The dataset's root folder.
    public let directory: String
    /// Images appended so far (the next image gets id `count + 1`).
    public private(set) var count = 0
    /// Category names in id order (id = position + 1): the given classes, then any met later.
    public private(set) var categories: [String]
    private var categoryIds: [String: Int]
    private let segmentation: Segmentation
    private var annotationCount = 0
    private var imagePart: AtomicFileWriter?
    private var annotationPart: AtomicFileWriter?
    private let origin: DatasetOrigin

    /// Creates `directory/images` (and parents), removes an old manifest there and opens the two
    /// part files; duplicate names in `classes` are kept once. Throws `InputError` when a folder
    /// cannot be made or a part file cannot be opened.
    public init(directory: String, classes: [String], segmentation: Segmentation = .compressedRLE,
                origin: DatasetOrigin = DatasetOrigin()) throws {
        self.directory = directory
        self.origin = origin
        self.segmentation = segmentation
        categories = []
        categoryIds = [:]
        try DatasetFiles.prepareRoot(directory, subfolder: "images")
        imagePart = try AtomicFileWriter(path: directory + "/.coco-images.part")
        annotationPart = try AtomicFileWriter(path: directory + "/.coco-annotations.part")
        for name in classes where categoryIds[name] == nil { addCategory(name) }
    }

    @discardableResult
    private func addCategory(_ name: String) -> Int {
        categories.append(name)
        categoryIds[name] = categories.count
        return categories.count
    }

    /// Writes the PNG and queues its image and annotation entries (`label` is not used by COCO).
    /// Throws `InputError` after `finish()`, or when a file cannot be written.
    public func append(_ rendered: RenderedImage, graph: SceneGraph, label: String?) throws {
        guard let imagePart, let annotationPart else { throw InputError(file: directory, message: "append after finish") }
        let truth = rendered.groundTruth
        let imageId = origin.firstIndex + count + 1
        let fileName = DatasetFiles.imageName(origin.firstIndex + count, in: "images/")
        try PNG.write(rendered.image, to: directory + "/" + fileName)
        if count > 0 { try imagePart.write(",") }
        try imagePart.write(try DatasetFiles.json(
            COCOImage(id: imageId, fileName: fileName, width: truth.width, height: truth.height)))
        let masks = COCORLE.instances(of: truth.instanceMask, width: truth.width, height: truth.height)
        for object in truth.objects {
            guard let box = object.bbox, let mask = masks[object.instanceId] else { continue }
            annotationCount += 1
            let category = categoryIds[object.className] ?? addCategory(object.className)
            let record = COCOAnnotation(
                id: annotationCount, imageId: imageId, categoryId: category,
                bbox: [box.x, box.y, box.width, box.height], area: mask.area, iscrowd: 0,
                segmentation: segmentation == .compressedRLE ? .compressed(mask) : .uncompressed(mask.uncompressedJSON))
            if annotationCount > 1 { try annotationPart.write(",") }
            try annotationPart.write(try DatasetFiles.json(record))
        }
        count += 1
    }

    /// Writes `annotations.json`, removes the part files, then writes the manifest; a second call
    /// does nothing.
    public func finish() throws {
        guard let imagePart, let annotationPart else { return }
        self.imagePart = nil
        self.annotationPart = nil
        try imagePart.commit()
        try annotationPart.commit()
        defer {
            unlink(imagePart.path)
            unlink(annotationPart.path)
        }
        try COCOWriter.writeAnnotationFile(directory + "/" + COCOWriter.annotationFileName, categories: categories,
                                           imagePart: imagePart.path, annotationPart: annotationPart.path)
        try ClassMap(categories).write(to: directory)
        // The part files go before the manifest checksums the folder.
        unlink(imagePart.path)
        unlink(annotationPart.path)
        try DatasetManifest(format: .coco, count: count, classes: categories,
                            files: [COCOWriter.annotationFileName], origin: origin).write(to: directory)
    }

    /// Writes the annotation file `path` (through a temporary name) from two part files holding
    /// the comma-separated JSON of the `images` and `annotations` entries, and `categories`
    /// (ids from 1 in order). The one place the file's layout is spelled out: `DatasetMerger`
    /// assembles merged files with it too, so both give the same bytes.
    static func writeAnnotationFile(_ path: String, categories: [String], imagePart: String, annotationPart: String) throws {
        let categoryList = categories.enumerated().map { COCOCategory(id: $0.offset + 1, name: $0.element) }
        try AtomicFile.write(to: path) { out in
            try out.write(#"{"info":{"description":"MetaSim synthetic dataset","version":"1.0"},"licenses":[],"#)
            try out.write(#""images":["#)
            try copy(imagePart, into: out)
            try out.write(#"],"annotations":["#)
            try copy(annotationPart, into: out)
            try out.write(#"],"categories":"#)
            try out.write(try DatasetFiles.json(categoryList))
            try out.write("}\n")
        }
    }

    /// Appends the file at `path` to `out` in 1 MiB chunks.
    static func copy(_ path: String, into out: AtomicFileWriter) throws {
        guard let input = FileHandle(forReadingAtPath: path) else {
            throw InputError(file: path, message: "cannot reopen part file")
        }
        defer { try? input.close() }
        while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty { try out.write(chunk) }
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

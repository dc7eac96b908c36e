import Codecs
import Diagnostics
import Foundation

/// One object box read from a labelled detection folder, in pixels of the loaded (resized) image.
public struct FolderObjectBox: Equatable, Sendable {
    /// The file's class name (KITTI's `type`, e.g. `Car`; COCO's category `name`), or nil for a
    /// region to ignore (KITTI `DontCare`, COCO `iscrowd: 1`): detections there neither count
    /// nor hurt.
    public var className: String?
    /// left, top, right, bottom, px at the loaded size.
    public var box: [Double]
    /// KITTI `truncated` (0…1); 0 for COCO, which has no such field.
    public var truncation: Double
    /// KITTI `occluded` (0 fully visible … 3 unknown); 0 for COCO, which has no such field.
    public var occlusionLevel: Int

    /// A box from its fields, unchecked.
    public init(className: String?, box: [Double], truncation: Double = 0, occlusionLevel: Int = 0) {
        self.className = className
        self.box = box
        self.truncation = truncation
        self.occlusionLevel = occlusionLevel
    }
}

/// A labelled detection set on disk, in one of two layouts (told apart by what the folder holds):
///
/// - KITTI object (devkit_object): `FOLDER/image_2/NAME.png|jpg` and, for each image,
///   `FOLDER/label_2/NAME.txt` with one `KITTIObjectLabel` line per object (15 fields; what
///   `metasim render --format kitti` writes). `truncated` and `occluded` are kept for KITTI's
///   difficulty levels.
/// - COCO: `FOLDER/annotations.json` (`images` with `id`, `file_name`, `width`, `height`;
///   `categories` with `id`, `name`; `annotations` with `image_id`, `category_id`, `bbox` as
///   `[x, y, width, height]` px, optional `iscrowd`) and the images at `FOLDER/file_name` or
///   `FOLDER/images/file_name` (what `--format coco` writes). COCO has no truncation or
///   occlusion: both 0, so KITTI's difficulty rests on box height alone.
///
/// Images are listed sorted by name (KITTI) or in the file's `images` order (COCO); boxes are
/// scaled with their image to the loaded size.
public struct DetectionFolderReader: Sendable {
    /// Which file layout the folder holds.
    public enum Layout: String, Sendable { case kitti, coco }

    /// The folder as given.
    public let folder: String
    /// The setting the folder came from (for errors), for example `target.test`.
    public let field: String
    /// The folder's layout.
    public let layout: Layout
    /// Image paths, in reading order.
    public let imageFiles: [String]
    /// Per image (same order), its boxes in the file's pixels, and the image size the file
    /// declares (COCO; nil for KITTI, whose boxes are in the image's own pixels).
    private let boxes: [[FolderObjectBox]]
    private let declaredSizes: [(width: Int, height: Int)?]

    /// Lists the folder and reads every label. Throws `InputError` naming the file (and the line
    /// or JSON path) when the folder holds neither layout, when an image has no label file or a
    /// label file no image, when a label line or an annotation is malformed (a missing or
    /// non-numeric field, an unknown type or category, an image id that no image has, a box
    /// with negative size or right < left).
    public init(folder: String, field: String = "") throws {
        self.folder = folder
        self.field = field
        if ImageFolderReader.isFolder(folder + "/image_2") || ImageFolderReader.isFolder(folder + "/label_2") {
            layout = .kitti
            (imageFiles, boxes) = try DetectionFolderReader.readKITTI(folder, field: field)
            declaredSizes = imageFiles.map { _ in nil }
        } else if FileManager.default.fileExists(atPath: folder + "/annotations.json") {
            layout = .coco
            let coco = try DetectionFolderReader.readCOCO(folder, field: field)
            imageFiles = coco.files
            boxes = coco.boxes
            declaredSizes = coco.sizes
        } else {
            throw InputError(file: folder, path: field,
                             message: "not a detection folder: expected KITTI's image_2/ + label_2/ or COCO's annotations.json + images/")
        }
    }

    /// Every image converted to `channels` and resized (area averaging) to `width × height`,
    /// with its boxes scaled by the same factors. Throws `InputError` naming the file for an
    /// unreadable image, or (COCO) one whose size differs from the `width`/`height` declared.
    public func loadAll(width: Int, height: Int, channels: Int) throws -> (images: [Image], boxes: [[FolderObjectBox]]) {
        var images: [Image] = [], scaled: [[FolderObjectBox]] = []
        for (i, path) in imageFiles.enumerated() {
            let image = try ImageLoadingOptions(channels: channels).load(path, field: field)
            if let declared = declaredSizes[i], declared.width != image.width || declared.height != image.height {
                throw InputError(file: path, path: field,
                                 message: "is \(image.width)x\(image.height) px; annotations.json says \(declared.width)x\(declared.height)")
            }
            let sx = Double(width) / Double(image.width), sy = Double(height) / Double(image.height)
            images.append(image.resized(width: width, height: height))
            scaled.append(boxes[i].map { b in
                var moved = b
                moved.box = [b.box[0] * sx, b.box[1] * sy, b.box[2] * sx, b.box[3] * sy]
                return moved
            })
        }
        return (images, scaled)
    }

    /// KITTI: image and label paths paired by name, labels parsed.
    static func readKITTI(_ folder: String, field: String) throws -> (files: [String], boxes: [[FolderObjectBox]]) {
        let imageFolder = folder + "/image_2", labelFolder = folder + "/label_2"
        for sub in [imageFolder, labelFolder] where !ImageFolderReader.isFolder(sub) {
            throw InputError(file: sub, path: field, message: "folder not found: a KITTI set is FOLDER/image_2/*.png and FOLDER/label_2/*.txt (same names)")
        }
        let images = try ImageFolderReader.imageFiles(in: imageFolder, field: field)
        guard !images.isEmpty else { throw InputError(file: imageFolder, path: field, message: "no PNG or JPEG images in folder") }
        let labels = Set(try ImageFolderReader.folderEntries(labelFolder, field: field).filter { $0.hasSuffix(".txt") && !$0.hasPrefix(".") })
        let labelPaths = try ImageFolderReader.pairedFiles(images: images, in: imageFolder, partners: labels, in: labelFolder,
                                                           partnerExtension: "txt", noun: "label file", field: field)
        var boxes: [[FolderObjectBox]] = []
        for labelPath in labelPaths {
            boxes.append(try KITTIObjectLabel.read(labelPath).enumerated().map { i, label in
                try checkedBox(label.bbox, file: labelPath, path: "object \(i + 1) bbox")
                return FolderObjectBox(className: label.type == "DontCare" ? nil : label.type, box: label.bbox,
                                       truncation: label.truncated, occlusionLevel: label.occluded)
            })
        }
        return (images.map { imageFolder + "/" + $0 }, boxes)
    }

    /// Throws unless `box` (left, top, right, bottom) has right ≥ left and bottom ≥ top.
    static func checkedBox(_ box: [Double], file: String, path: String) throws {
        guard box[2] >= box[0], box[3] >= box[1] else {
            throw InputError(file: file, path: path, message: "right < left or bottom < top: \(box)")
        }
    }

    struct COCOFile: Decodable {
        struct Category: Decodable { var id: Int; var name: String }
        struct Annotation: Decodable {
            var imageID: Int
            var categoryID: Int
            var bbox: [Double]
            var iscrowd: Int?
            enum CodingKeys: String, CodingKey { case imageID = "image_id", categoryID = "category_id", bbox, iscrowd }
        }
        var images: [COCOImage]
        var categories: [Category]
        var annotations: [Annotation]
    }

    /// COCO: images in the file's order, each with its annotations' boxes.
    static func readCOCO(_ folder: String, field: String) throws
        -> (files: [String], boxes: [[FolderObjectBox]], sizes: [(width: Int, height: Int)?]) {
        let path = folder + "/annotations.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, path: field, message: "cannot read the annotation file")
        }
        let file: COCOFile
        do {
            file = try JSONDecoder().decode(COCOFile.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw InputError(file: path, path: jsonPath(context.codingPath + [key]), message: "missing")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw InputError(file: path, path: jsonPath(context.codingPath), message: "wrong type: \(context.debugDescription)")
        } catch {
            throw InputError(file: path, path: field, message: "not valid JSON: \(error.localizedDescription)")
        }
        guard !file.images.isEmpty else { throw InputError(file: path, path: "images", message: "no images") }
        let names = Dictionary(file.categories.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let row = Dictionary(file.images.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        var boxes = [[FolderObjectBox]](repeating: [], count: file.images.count)
        for (i, a) in file.annotations.enumerated() {
            let at = "annotations[\(i)]"
            guard let r = row[a.imageID] else { throw InputError(file: path, path: at + ".image_id", message: "no image has id \(a.imageID)") }
            guard let name = names[a.categoryID] else {
                throw InputError(file: path, path: at + ".category_id", message: "no category has id \(a.categoryID)")
            }
            guard a.bbox.count == 4, a.bbox.allSatisfy(\.isFinite), a.bbox[2] >= 0, a.bbox[3] >= 0 else {
                throw InputError(file: path, path: at + ".bbox", message: "must be [x, y, width, height] with finite numbers and width, height ≥ 0: \(a.bbox)")
            }
            let b = a.bbox
            boxes[r].append(FolderObjectBox(className: a.iscrowd == 1 ? nil : name, box: [b[0], b[1], b[0] + b[2], b[1] + b[3]]))
        }
        var files: [String] = []
        for (i, entry) in file.images.enumerated() {
            let candidates = [folder + "/" + entry.fileName, folder + "/images/" + entry.fileName]
            guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
                throw InputError(file: path, path: "images[\(i)].file_name", message: "'\(entry.fileName)' is neither at \(candidates[0]) nor at \(candidates[1])")
            }
            files.append(found)
        }
        return (files, boxes, file.images.map { (width: $0.width, height: $0.height) })
    }

    /// A decoding path as `annotations[3].bbox`.
    static func jsonPath(_ keys: [any CodingKey]) -> String {
        keys.reduce("") { path, key in
            if let i = key.intValue { return path + "[\(i)]" }
            return path.isEmpty ? key.stringValue : path + "." + key.stringValue
        }
    }
}

import Codecs
import Diagnostics
import Foundation

/// A contact sheet of a dataset's first images with their labels drawn over them: each
/// object's instance mask tinted and its box outlined in a colour per class, the class name
/// above the box, and the image-level label (ImageFolder's folder, a record's `label`) in the
/// corner. Reads any of our formats (`DatasetManifest.format`): ImageFolder (labels only),
/// COCO (`annotations.json`), JSON Lines and WebDataset (`SampleRecord`s), KITTI (`label_2`).
public enum DatasetPreview {
    /// One image and what to draw on it.
    public struct Sample {
        public var image: Image
        public var label: String?
        public var objects: [(className: String, bbox: [Int]?, mask: COCORLE?)]
    }

    /// The first `count` samples of the dataset in `directory`. Throws `InputError` when it is
    /// not a complete MetaSim dataset or a file in it cannot be read.
    public static func samples(in directory: String, count: Int) throws -> [Sample] {
        let manifest = try DatasetManifest.read(from: directory)
        switch manifest.format {
        case .imagefolder:
            var out: [Sample] = []
            for label in manifest.classes.sorted() where out.count < count {
                let folder = directory + "/" + label
                let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".png") }.sorted()
                for file in files.prefix(count - out.count) {
                    out.append(Sample(image: try ImageFile.read(folder + "/" + file), label: label, objects: []))
                }
            }
            return out
        case .jsonl:
            let path = directory + "/" + JSONLinesWriter.linesFileName
            guard let text = FileManager.default.contents(atPath: path) else { throw InputError(file: path, message: "cannot read") }
            return try text.split(separator: UInt8(ascii: "\n")).prefix(count).map { line in
                let record = try decodeRecord(Data(line), file: path)
                return try sample(record, image: try ImageFile.read(directory + "/" + (record.image ?? "")))
            }
        case .webdataset:
            var out: [Sample] = []
            for shard in manifest.files where out.count < count {
                let members = try TarReader.members(of: directory + "/" + shard, limit: 3 * (count - out.count) + 3)
                let byName = Dictionary(members.map { ($0.name, $0.contents) }, uniquingKeysWith: { a, _ in a })
                for member in members where member.name.hasSuffix(".png") && out.count < count {
                    let key = String(member.name.dropLast(4))
                    guard let json = byName[key + ".json"] else { continue }
                    let record = try decodeRecord(Data(json), file: shard + ":" + key + ".json")
                    out.append(try sample(record, image: try PNG.decode(Data(member.contents), file: shard + ":" + member.name)))
                }
            }
            return out
        case .coco:
            return try cocoSamples(directory, count: count)
        case .kitti:
            let images = try FileManager.default.contentsOfDirectory(atPath: directory + "/" + KITTIWriter.imageFolder)
                .filter { $0.hasSuffix(".png") }.sorted().prefix(count)
            return try images.map { file in
                let labels = try KITTIObjectLabel.read(directory + "/" + KITTIWriter.labelFolder + "/" + file.dropLast(4) + ".txt")
                return Sample(image: try ImageFile.read(directory + "/" + KITTIWriter.imageFolder + "/" + file), label: nil,
                              objects: labels.map { l in
                                  let b = l.bbox.map { Int($0.rounded()) }
                                  return (l.type, [b[0], b[1], b[2] - b[0], b[3] - b[1]], nil)
                              })
            }
        }
    }

    static func decodeRecord(_ data: Data, file: String) throws -> SampleRecord {
        do { return try JSONDecoder().decode(SampleRecord.self, from: data) } catch {
            throw InputError(file: file, message: "not a MetaSim sample record: \(error.localizedDescription)")
        }
    }

    static func sample(_ record: SampleRecord, image: Image) throws -> Sample {
        Sample(image: image, label: record.label, objects: record.objects.map { ($0.className, $0.bbox, $0.mask) })
    }

    static func cocoSamples(_ directory: String, count: Int) throws -> [Sample] {
        let path = directory + "/" + COCOWriter.annotationFileName
        guard let data = FileManager.default.contents(atPath: path),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let images = root["images"] as? [[String: Any]] else { throw InputError(file: path, message: "not a COCO annotation file") }
        let names = Dictionary(((root["categories"] as? [[String: Any]]) ?? []).compactMap { c -> (Int, String)? in
            guard let id = c["id"] as? Int, let name = c["name"] as? String else { return nil }
            return (id, name)
        }, uniquingKeysWith: { a, _ in a })
        var annotations: [Int: [[String: Any]]] = [:]
        for a in (root["annotations"] as? [[String: Any]]) ?? [] { if let id = a["image_id"] as? Int { annotations[id, default: []].append(a) } }
        return try images.prefix(count).map { entry in
            guard let id = entry["id"] as? Int, let file = entry["file_name"] as? String else {
                throw InputError(file: path, path: "images", message: "an image without id or file_name")
            }
            let objects = (annotations[id] ?? []).map { a -> (className: String, bbox: [Int]?, mask: COCORLE?) in
                let name = (a["category_id"] as? Int).flatMap { names[$0] } ?? "?"
                let bbox = (a["bbox"] as? [NSNumber])?.map(\.intValue)
                var mask: COCORLE?
                if let seg = a["segmentation"] as? [String: Any], let size = seg["size"] as? [Int], size.count == 2,
                   let counts = seg["counts"] as? String {
                    mask = try? COCORLE(height: size[0], width: size[1], compressed: counts, file: path)
                }
                return (name, bbox, mask)
            }
            return Sample(image: try ImageFile.read(directory + "/" + file), label: nil, objects: objects)
        }
    }

    /// A distinct bright colour per class name (stable across runs: from the name's bytes).
    static func color(for name: String) -> [Float] {
        let palette: [[Float]] = [[1, 0.25, 0.25], [0.2, 0.8, 1], [1, 0.85, 0.1], [0.4, 1, 0.3], [1, 0.4, 1],
                                  [1, 0.6, 0.2], [0.6, 0.5, 1], [0.2, 1, 0.8]]
        let hash = name.utf8.reduce(UInt32(5381)) { ($0 &* 33) &+ UInt32($1) }
        return palette[Int(hash % UInt32(palette.count))]
    }

    /// One sample drawn: enlarged so its short side is at least 128 px, converted to RGB, masks
    /// tinted, boxes outlined, class names and the label written.
    public static func draw(_ sample: Sample) -> Image {
        let factor = max(1, Int((128.0 / Double(max(1, min(sample.image.width, sample.image.height)))).rounded(.up)))
        var image = sample.image.converted(toChannels: 3).enlarged(by: factor)
        let source = sample.image
        for object in sample.objects {
            let color = color(for: object.className)
            if let mask = object.mask, mask.width == source.width, mask.height == source.height {
                let small = mask.rowMajorMask()
                var big = [Bool](repeating: false, count: image.width * image.height)
                for y in 0..<image.height { for x in 0..<image.width { big[y * image.width + x] = small[(y / factor) * source.width + x / factor] } }
                image.tint(mask: big, color: color, alpha: 0.35)
            }
            guard let box = object.bbox, box.count == 4 else { continue }
            image.outline(x: box[0] * factor, y: box[1] * factor, width: box[2] * factor, height: box[3] * factor, thickness: 2, color: color)
            let textY = max(0, box[1] * factor - BitmapFont.height - 3)
            image.fill(x: box[0] * factor, y: textY, width: BitmapFont.textWidth(object.className) + 2, height: BitmapFont.height + 2, color: [0])
            BitmapFont.draw(object.className, into: &image, x: box[0] * factor + 1, y: textY + 1, color: color)
        }
        if let label = sample.label {
            let y = image.height - 2 * BitmapFont.height - 4
            image.fill(x: 0, y: y, width: BitmapFont.textWidth(label, scale: 2) + 4, height: 2 * BitmapFont.height + 4, color: [0])
            BitmapFont.draw(label, into: &image, x: 2, y: y + 2, scale: 2, color: [1])
        }
        return image
    }

    /// The contact sheet of the first `count` samples (at most `ContactSheet.maximumImages`).
    public static func sheet(of directory: String, count: Int = 16) throws -> Image {
        let samples = try samples(in: directory, count: min(count, ContactSheet.maximumImages))
        guard !samples.isEmpty else { throw InputError(file: directory, message: "the dataset holds no images") }
        return ContactSheet.make(samples.map(draw), separator: 2)
    }
}

import Codecs
import Diagnostics
import Foundation

/// The COCO part of `DatasetMerger`: one `annotations.json` from the shards' files.
enum COCOMerge {
    /// What `COCOWriter` writes, read back (`info` and `licenses` are fixed and not read).
    struct File: Decodable {
        var images: [COCOImage]
        var annotations: [COCOAnnotation]
        var categories: [COCOCategory]
    }

    /// Writes `directory/annotations.json` from the shards' annotation files and returns the
    /// merged category names in id order. Image entries are re-encoded as read (their ids are
    /// global already); annotation ids continue from the previous shard's last; category ids
    /// are mapped by name to the merged list. Throws an `InputError` naming a shard's file that
    /// is not a COCO file as `COCOWriter` writes it (ids not 1, 2, … or unknown categories).
    static func merge(_ shards: ShardSet, into directory: String) throws -> [String] {
        var categories: [String] = []
        var categoryIds: [String: Int] = [:]
        var annotationCount = 0
        let part = try AtomicFileWriter(path: directory + "/" + COCOWriter.partFileName)
        defer {
            part.abort()
            unlink(part.path)
        }
        for member in shards.members {
            let path = member.directory + "/" + COCOWriter.annotationFileName
            let file = try read(path)
            var local: [Int: Int] = [:]
            for (offset, category) in file.categories.enumerated() {
                guard category.id == offset + 1 else {
                    throw InputError(file: path, path: "categories[\(offset)].id", message: "expected \(offset + 1), found \(category.id)")
                }
                if categoryIds[category.name] == nil {
                    categories.append(category.name)
                    categoryIds[category.name] = categories.count
                }
                local[category.id] = categoryIds[category.name]
            }
            for image in file.images {
                try COCOWriter.writeEntry("I", image.jsonBytes(), to: part)
            }
            for (offset, var annotation) in file.annotations.enumerated() {
                guard annotation.id == offset + 1, let category = local[annotation.categoryId] else {
                    throw InputError(file: path, path: "annotations[\(offset)]",
                                     message: "id \(annotation.id) / category_id \(annotation.categoryId): not as MetaSim writes them (ids from 1, known categories)")
                }
                annotationCount += 1
                annotation.id = annotationCount
                annotation.categoryId = category
                try COCOWriter.writeEntry("A", annotation.jsonBytes(), to: part)
            }
        }
        try part.commit()
        try COCOWriter.writeAnnotationFile(directory + "/" + COCOWriter.annotationFileName, categories: categories, part: part.path)
        return categories
    }

    static func read(_ path: String) throws -> File {
        guard let data = FileManager.default.contents(atPath: path) else { throw InputError(file: path, message: "cannot read") }
        do {
            return try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw InputError(file: path, message: "not a COCO annotation file as MetaSim writes it (images, annotations, categories)")
        }
    }
}

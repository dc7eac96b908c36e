import Scene

/// The COCO part file's entries (`COCOWriter.writeEntry`) written straight into bytes: the bytes
/// `DatasetFiles.json` (Foundation's `JSONEncoder`, keys sorted) gives, without its containers,
/// for the writer's ordered path (issue 15). `COCOEntryJSONTests` compares them with
/// `JSONEncoder`'s; `DatasetMerger` writes merged entries with them too.
extension COCOImage {
    /// `{"file_name":…,"height":…,"id":…,"width":…}`.
    func jsonBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + fileName.utf8.count)
        out.append(contentsOf: #"{"file_name":"#.utf8)
        SceneGraphJSONWriter.appendString(fileName, to: &out)
        out.append(contentsOf: #","height":"#.utf8)
        SceneGraphJSONWriter.appendInteger(height, to: &out)
        out.append(contentsOf: #","id":"#.utf8)
        SceneGraphJSONWriter.appendInteger(id, to: &out)
        out.append(contentsOf: #","width":"#.utf8)
        SceneGraphJSONWriter.appendInteger(width, to: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }
}

extension COCOAnnotation {
    /// `{"area":…,"bbox":[…],"category_id":…,"id":…,"image_id":…,"iscrowd":…,"segmentation":{…}}`.
    func jsonBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(160)
        out.append(contentsOf: #"{"area":"#.utf8)
        SceneGraphJSONWriter.appendInteger(area, to: &out)
        out.append(contentsOf: #","bbox":"#.utf8)
        appendJSONIntegers(bbox, to: &out)
        out.append(contentsOf: #","category_id":"#.utf8)
        SceneGraphJSONWriter.appendInteger(categoryId, to: &out)
        out.append(contentsOf: #","id":"#.utf8)
        SceneGraphJSONWriter.appendInteger(id, to: &out)
        out.append(contentsOf: #","image_id":"#.utf8)
        SceneGraphJSONWriter.appendInteger(imageId, to: &out)
        out.append(contentsOf: #","iscrowd":"#.utf8)
        SceneGraphJSONWriter.appendInteger(iscrowd, to: &out)
        out.append(contentsOf: #","segmentation":"#.utf8)
        switch segmentation {
        case .compressed(let rle):
            rle.appendJSON(to: &out)
        case .uncompressed(let rle):
            out.append(contentsOf: #"{"counts":"#.utf8)
            appendJSONIntegers(rle.counts, to: &out)
            out.append(contentsOf: #","size":"#.utf8)
            appendJSONIntegers(rle.size, to: &out)
            out.append(UInt8(ascii: "}"))
        case .compressedText(let rle):
            out.append(contentsOf: #"{"counts":"#.utf8)
            SceneGraphJSONWriter.appendString(rle.counts, to: &out)
            out.append(contentsOf: #","size":"#.utf8)
            appendJSONIntegers(rle.size, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
}

import Scene

/// `SampleRecord`'s JSON written straight into bytes — the bytes `DatasetFiles.json` (Foundation's
/// `JSONEncoder`, keys sorted, `/` unescaped) gives for the record, without its per-value
/// containers (issue 15: the JSON Lines and WebDataset writers spent more time in `JSONEncoder`
/// than in PNG encoding). Keys in sorted order, optional record fields left out when nil
/// (as synthesized `Codable` does), `bbox` and `mask` written as `null` (as `ObjectRecord`'s
/// `encode(to:)` does); the graph, strings and numbers through `SceneGraphJSONWriter`, whose
/// bytes equal `JSONEncoder`'s for the bundled grammars (for other attribute names — non-ASCII,
/// control characters — only the decoded values are guaranteed equal, see
/// `SceneGraphJSONWriter`). `SampleRecordJSONTests` compares the bytes with `JSONEncoder`'s.
extension SampleRecord {
    /// The record as one line of JSON (no newline). Throws `EncodingError.invalidValue` for a
    /// non-finite number in the graph (visible fractions are finite by construction).
    func jsonBytes() throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(160 + 200 * objects.count)
        out.append(contentsOf: #"{"graph":"#.utf8)
        try SceneGraphJSONWriter.append(graph, to: &out)
        out.append(contentsOf: #","height":"#.utf8)
        SceneGraphJSONWriter.appendInteger(height, to: &out)
        if let image {
            out.append(contentsOf: #","image":"#.utf8)
            SceneGraphJSONWriter.appendString(image, to: &out)
        }
        if let label {
            out.append(contentsOf: #","label":"#.utf8)
            SceneGraphJSONWriter.appendString(label, to: &out)
        }
        if let labelIndex {
            out.append(contentsOf: #","label_index":"#.utf8)
            SceneGraphJSONWriter.appendInteger(labelIndex, to: &out)
        }
        out.append(contentsOf: #","objects":["#.utf8)
        for (i, object) in objects.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            try object.appendJSON(to: &out)
        }
        out.append(contentsOf: #"],"width":"#.utf8)
        SceneGraphJSONWriter.appendInteger(width, to: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }
}

extension ObjectRecord {
    /// Appends the object's JSON (keys sorted; `bbox` and `mask` `null` when absent) to `out`.
    func appendJSON(to out: inout [UInt8]) throws {
        out.append(contentsOf: #"{"bbox":"#.utf8)
        if let bbox {
            appendJSONIntegers(bbox, to: &out)
        } else {
            out.append(contentsOf: "null".utf8)
        }
        out.append(contentsOf: #","class":"#.utf8)
        SceneGraphJSONWriter.appendString(className, to: &out)
        out.append(contentsOf: #","instance_id":"#.utf8)
        SceneGraphJSONWriter.appendInteger(instanceId, to: &out)
        out.append(contentsOf: #","mask":"#.utf8)
        if let mask {
            mask.appendJSON(to: &out)
        } else {
            out.append(contentsOf: "null".utf8)
        }
        out.append(contentsOf: #","node":"#.utf8)
        SceneGraphJSONWriter.appendInteger(node, to: &out)
        out.append(contentsOf: #","outside_canvas":"#.utf8)
        out.append(contentsOf: (outsideCanvas ? "true" : "false").utf8)
        out.append(contentsOf: #","visible_fraction":"#.utf8)
        try SceneGraphJSONWriter.appendNumber(visibleFraction, to: &out)
        out.append(contentsOf: #","visible_pixels":"#.utf8)
        SceneGraphJSONWriter.appendInteger(visiblePixels, to: &out)
        out.append(UInt8(ascii: "}"))
    }
}

extension COCORLE {
    /// Appends the compressed form `COCORLE.encode(to:)` gives (keys sorted:
    /// `{"counts":"…","size":[h,w]}`) to `out`.
    func appendJSON(to out: inout [UInt8]) {
        out.append(contentsOf: #"{"counts":"#.utf8)
        SceneGraphJSONWriter.appendString(compressedCounts, to: &out)
        out.append(contentsOf: #","size":"#.utf8)
        appendJSONIntegers([height, width], to: &out)
        out.append(UInt8(ascii: "}"))
    }
}

/// Appends `values` as a JSON array of integers (`[1,2]`, as `JSONEncoder` writes it) to `out`.
func appendJSONIntegers(_ values: [Int], to out: inout [UInt8]) {
    out.append(UInt8(ascii: "["))
    for (i, value) in values.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        SceneGraphJSONWriter.appendInteger(value, to: &out)
    }
    out.append(UInt8(ascii: "]"))
}

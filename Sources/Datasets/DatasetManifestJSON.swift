import Scene

/// `DatasetManifest`'s JSON written straight into bytes: the bytes `DatasetFiles.json`
/// (Foundation's `JSONEncoder`, keys sorted, `/` unescaped) gives for it, without a container
/// per value (issue 15: for a dataset of small images, encoding the manifest's `sha256` map —
/// one entry per file — through `JSONEncoder` cost a fifth of a KITTI writer's time). Keys in
/// `String` order (`<`, what `.sortedKeys` uses), optional fields left out when nil (as
/// synthesized `Codable` does); strings and numbers through `SceneGraphJSONWriter`.
/// `DatasetManifestJSONTests` compares the bytes with `JSONEncoder`'s.
extension DatasetManifest {
    /// The manifest as JSON (no newline).
    func jsonBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + 110 * (sha256?.count ?? 0))
        out.append(contentsOf: #"{"classes":"#.utf8)
        appendStrings(classes, to: &out)
        out.append(contentsOf: #","count":"#.utf8)
        SceneGraphJSONWriter.appendInteger(count, to: &out)
        out.append(contentsOf: #","files":"#.utf8)
        appendStrings(files, to: &out)
        out.append(contentsOf: #","format":"#.utf8)
        SceneGraphJSONWriter.appendString(format.rawValue, to: &out)
        if let provenance {
            out.append(contentsOf: #","provenance":{"generator":"#.utf8)
            SceneGraphJSONWriter.appendString(provenance.generator, to: &out)
            out.append(contentsOf: #","inputs":"#.utf8)
            appendStringMap(provenance.inputs, to: &out)
            out.append(contentsOf: #","seed":"#.utf8)
            out.append(contentsOf: String(provenance.seed).utf8)
            out.append(UInt8(ascii: "}"))
        }
        if let sha256 {
            out.append(contentsOf: #","sha256":"#.utf8)
            appendStringMap(sha256, to: &out)
        }
        if let shard {
            out.append(contentsOf: #","shard":{"count":"#.utf8)
            SceneGraphJSONWriter.appendInteger(shard.count, to: &out)
            out.append(contentsOf: #","end":"#.utf8)
            SceneGraphJSONWriter.appendInteger(shard.end, to: &out)
            out.append(contentsOf: #","index":"#.utf8)
            SceneGraphJSONWriter.appendInteger(shard.index, to: &out)
            out.append(contentsOf: #","start":"#.utf8)
            SceneGraphJSONWriter.appendInteger(shard.start, to: &out)
            out.append(contentsOf: #","total":"#.utf8)
            SceneGraphJSONWriter.appendInteger(shard.total, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
}

/// Appends `values` as a JSON array of strings to `out`.
private func appendStrings(_ values: [String], to out: inout [UInt8]) {
    out.append(UInt8(ascii: "["))
    for (i, value) in values.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        SceneGraphJSONWriter.appendString(value, to: &out)
    }
    out.append(UInt8(ascii: "]"))
}

/// Appends `map` as a JSON object, keys in `String` order, to `out`.
private func appendStringMap(_ map: [String: String], to out: inout [UInt8]) {
    out.append(UInt8(ascii: "{"))
    for (i, entry) in map.sorted(by: { $0.key < $1.key }).enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        SceneGraphJSONWriter.appendString(entry.key, to: &out)
        out.append(UInt8(ascii: ":"))
        SceneGraphJSONWriter.appendString(entry.value, to: &out)
    }
    out.append(UInt8(ascii: "}"))
}

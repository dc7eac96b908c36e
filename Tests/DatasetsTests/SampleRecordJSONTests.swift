import Codecs
import Foundation
import Render
import Scene
import XCTest
@testable import Datasets

/// `SampleRecord.jsonBytes()` (what JSON Lines and WebDataset write) against Foundation's
/// `JSONEncoder` (`DatasetFiles.json`, what they wrote before): the same bytes for records
/// with labels and class names full of characters JSON escapes, optional fields absent and
/// present, hidden objects (null box and mask), random scattered masks (compressed counts use
/// `\`) and visible fractions of every kind.
final class SampleRecordJSONTests: XCTestCase {
    static let awkwardStrings = ["", "7", "quote\"inside", "back\\slash", "slash/es", "tab\tnew\nline\r", "\u{1}\u{1F}\u{7F}",
                                 "é ü ß", "数字", "🙂", "a\u{8}b\u{C}c"]
    static let fractions: [Double] = [0, 1, 0.5, 1.0 / 3, 2.0 / 3, 0.1, 1e-7, Double.leastNonzeroMagnitude, 0.999_999_999_999_999_9, 0.123456789012345]

    func testRecordBytesEqualJSONEncoders() throws {
        var random = SystemRandomNumberGenerator()
        var compared = 0
        for trial in 0..<300 {
            let width = Int.random(in: 1...13, using: &random), height = Int.random(in: 1...11, using: &random)
            let count = Int.random(in: 0...4, using: &random)
            let ids = (0..<width * height).map { _ in UInt16.random(in: 0...UInt16(count), using: &random) }
            var objects: [ObjectAnnotation] = []
            for id in 1..<(count + 1) {
                let pixels = ids.indices.filter { ids[$0] == UInt16(id) }
                let xs = pixels.map { $0 % width }, ys = pixels.map { $0 / width }
                let box = pixels.isEmpty ? nil : BoundingBox(x: xs.min()!, y: ys.min()!, width: xs.max()! - xs.min()! + 1,
                                                             height: ys.max()! - ys.min()! + 1)
                objects.append(ObjectAnnotation(node: Int.random(in: 0...1_000_000, using: &random),
                                                className: Self.awkwardStrings.randomElement(using: &random)!, instanceId: id, bbox: box,
                                                visiblePixels: pixels.count, visibleFraction: Self.fractions.randomElement(using: &random)!,
                                                outsideCanvas: pixels.isEmpty && Bool.random(using: &random)))
            }
            let rendered = RenderedImage(image: Image(width: width, height: height, channels: 1),
                                         groundTruth: GroundTruth(width: width, height: height, objects: objects,
                                                                  instanceMask: ids, semanticMask: ids))
            var record = SampleRecord(image: trial % 3 == 0 ? nil : "images/\(DatasetFiles.padded(trial)).png",
                                      label: trial % 4 == 0 ? nil : Self.awkwardStrings.randomElement(using: &random)!,
                                      rendered: rendered, graph: graph(trial))
            if trial % 2 == 0 { record.labelIndex = Int.random(in: 0...12_345, using: &random) }
            let ours = try record.jsonBytes()
            XCTAssertEqual(String(decoding: ours, as: UTF8.self), String(decoding: try DatasetFiles.json(record), as: UTF8.self))
            XCTAssertEqual(try JSONDecoder().decode(SampleRecord.self, from: Data(ours)), record)
            compared += 1
        }
        XCTAssertEqual(compared, 300)
    }

    /// A graph with ASCII attribute names (whose order `JSONEncoder` and `SceneGraphJSONWriter`
    /// agree on), strings and numbers of several kinds.
    private func graph(_ seed: Int) -> SceneGraph {
        var graph = SceneGraph()
        guard seed % 5 != 0 else { return graph }
        let root = graph.add(SceneNode(rule: "Scene", className: "scene"), parent: nil)
        for i in 0..<(seed % 4) {
            var node = SceneNode(rule: "Digit", className: Self.awkwardStrings[(seed + i) % Self.awkwardStrings.count],
                                 attributes: ["x": .number(Double(seed) / 7), "yaw": .number(-90), "style": .string("a/b\"c"),
                                              "visible": .bool(i % 2 == 0)], mutable: ["x", "yaw"])
            if i == 1 { node.asset = AssetRef(store: "mnist", index: seed * 31) }
            graph.add(node, parent: root)
        }
        return graph
    }
}

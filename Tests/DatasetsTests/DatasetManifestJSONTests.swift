import Foundation
import XCTest
@testable import Datasets

/// `DatasetManifest.jsonBytes()` (what every writer's `finish` writes) against Foundation's
/// `JSONEncoder` (`DatasetFiles.json`, what it wrote before): the same bytes for manifests
/// with and without checksums, provenance and shard, file names and classes full of characters
/// JSON escapes or that sort differently by bytes and by `String` order, and seeds up to
/// `UInt64.max`.
final class DatasetManifestJSONTests: XCTestCase {
    func testManifestBytesEqualJSONEncoders() throws {
        let names = SampleRecordJSONTests.awkwardStrings + ["images/000001.png", "label_2/000010.txt", "B/x.png", "a/x.png", "_",
                                                            "class10/1.png", "class2/1.png", "Ａ", "~"]
        var random = SystemRandomNumberGenerator()
        for trial in 0..<200 {
            func someNames() -> [String] { (0..<Int.random(in: 0...6, using: &random)).map { _ in names.randomElement(using: &random)! } }
            func someMap() -> [String: String] {
                Dictionary(someNames().map { ($0, names.randomElement(using: &random)!) }, uniquingKeysWith: { first, _ in first })
            }
            let total = Int.random(in: 0...1000, using: &random), count = Int.random(in: 1...5, using: &random)
            let manifest = DatasetManifest(
                format: DatasetFormat.allCases.randomElement(using: &random)!, count: Int.random(in: 0...100_000, using: &random),
                classes: someNames(), files: someNames(), sha256: trial % 3 == 0 ? nil : someMap(),
                provenance: trial % 2 == 0 ? nil : DatasetProvenance(generator: names.randomElement(using: &random)!,
                                                                     seed: trial % 5 == 0 ? .max : UInt64.random(in: 0...1000, using: &random),
                                                                     inputs: someMap()),
                shard: trial % 4 == 0 ? nil : DatasetShard(index: Int.random(in: 0..<count, using: &random), count: count, total: total))
            let ours = manifest.jsonBytes()
            XCTAssertEqual(String(decoding: ours, as: UTF8.self), String(decoding: try DatasetFiles.json(manifest), as: UTF8.self))
            XCTAssertEqual(try JSONDecoder().decode(DatasetManifest.self, from: Data(ours)), manifest)
        }
    }
}

import Datasets
import Diagnostics
import Grammar
import XCTest
@testable import MetaSim

/// A checkpoint's state records the SHA-256 of its weights file, and loading checks it: one
/// flipped byte anywhere in the weights is refused with an error naming the file.
final class CheckpointChecksumTests: XCTestCase {
    func savedCheckpoint() throws -> (base: String, state: CheckpointState) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        let shapes = repositoryRoot + "/examples/grammars/shapes.yaml"
        let grammar = try Grammar.load(path: shapes)
        let transformer = DistributionTransformer(width: grammar.schema.width, classCount: grammar.schema.classes.count, hidden: [4], seed: 3)
        let state = CheckpointState(grammar: shapes, schema: grammar.schema, hidden: [4], seed: 3, stage: "matching",
                                    epoch: 1, step: 2, sampleCursor: 8)
        let base = folder + "/transformer"
        try state.save(transformer, to: base)
        return (base, state)
    }

    func testStateRecordsTheWeightsFileSHA256() throws {
        let (base, _) = try savedCheckpoint()
        let loaded = try TrainingCheckpoint.load(from: base)
        XCTAssertEqual(loaded.state.weightsSHA256, try DatasetChecksums.sha256(ofFile: base + ".safetensors"))
    }

    func testAFlippedByteInTheWeightsIsRefusedNamingTheFile() throws {
        let (base, _) = try savedCheckpoint()
        let path = base + ".safetensors"
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        // The last byte (inside a weight: the header is at the start) and one in the middle.
        for offset in [original.count - 1, original.count / 2] {
            var damaged = original
            damaged[offset] ^= 0x10
            try damaged.write(to: URL(fileURLWithPath: path))
            XCTAssertThrowsError(try TrainingCheckpoint.load(from: base), "byte \(offset) flipped") { error in
                let e = error as? InputError
                XCTAssertEqual(e?.file, path, "\(error)")
                XCTAssertTrue(e?.message.contains("SHA-256") == true && e?.message.contains("damaged") == true, "\(error)")
            }
        }
        try original.write(to: URL(fileURLWithPath: path))
        XCTAssertNoThrow(try TrainingCheckpoint.load(from: base), "the original bytes load again")
    }

    func testStatesWithoutAChecksumStillLoad() throws {
        let (base, _) = try savedCheckpoint()
        let statePath = base + ".json"
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: statePath))) as! [String: Any]
        XCTAssertNotNil(json["weightsSHA256"])
        json["weightsSHA256"] = nil
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: statePath))
        XCTAssertNil(try TrainingCheckpoint.load(from: base).state.weightsSHA256)
    }
}

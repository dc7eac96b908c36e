import Diagnostics
import Grammar
import Scene
import XCTest
@testable import MetaSim

final class CheckpointTests: XCTestCase {
    func testRoundTripAndWrongGrammarIsRejected() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try RunFolder(creating: folder)
        let shapes = repositoryRoot + "/examples/grammars/shapes.yaml"
        let grammar = try Grammar.load(path: shapes)
        let transformer = DistributionTransformer(width: grammar.schema.width, classCount: grammar.schema.classes.count, hidden: [5, 3, 5], seed: 7)
        let state = CheckpointState(grammar: shapes, schema: grammar.schema, hidden: [5, 3, 5], seed: 7, stage: "matching",
                                    epoch: 2, step: 10, sampleCursor: 100)
        try state.save(transformer, to: run.latest)

        let (loadedState, loaded) = try CheckpointState.load(from: run.latest)
        XCTAssertEqual(loadedState.weightsSHA256?.count, 64, "the state records its weights' SHA-256")
        var unsummed = loadedState
        unsummed.weightsSHA256 = nil
        XCTAssertEqual(unsummed, state)
        let batch = SceneEncoder(grammar.schema).encode(try grammar.sample(seed: 1, range: 0..<3))
        XCTAssertEqual(loaded(batch).data, transformer(batch).data, "same weights, same outputs")
        XCTAssertThrowsError(try Generator(run: run), "a run not marked complete is refused") { error in
            XCTAssertTrue("\(error)".contains("did not complete"), "\(error)")
        }
        XCTAssertNoThrow(try Generator(run: run, checkpoint: "transformer"), "unless its checkpoint is named")
        var complete = state
        complete.complete = true
        try complete.save(transformer, to: run.latest)
        XCTAssertNoThrow(try Generator(run: run))

        let mnist = repositoryRoot + "/examples/grammars/mnist.yaml"
        XCTAssertThrowsError(try Generator(run: run, grammarOverride: mnist)) { error in
            let e = error as? InputError
            XCTAssertEqual(e?.file, mnist)
            XCTAssertTrue(e?.message.contains("encodes scenes differently") == true, "\(error)")
        }
    }

    func testMissingOrCorruptStateIsAnInputError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try RunFolder(creating: folder)
        XCTAssertThrowsError(try CheckpointState.load(from: run.latest)) { XCTAssertTrue($0 is InputError) }
        try "{not json".write(toFile: run.latest + ".json", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try CheckpointState.load(from: run.latest)) { error in
            XCTAssertTrue((error as? InputError)?.message.contains("malformed") == true, "\(error)")
        }
    }
}

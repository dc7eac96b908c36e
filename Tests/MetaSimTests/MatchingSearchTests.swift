import Diagnostics
import Grammar
import Scene
import Tensor
import XCTest
@testable import MetaSim

/// Searches after a matching epoch (`StartSearchSettings.afterEpoch`) on a toy whose answer is
/// known: a 10-px bright square (the labelled class) half covered by a 5-px dark shade, on the
/// square's left half in the prior (shade at x = 6 px) and on its right half in the target
/// (x = 10 px). G_θ is blind to the shade's x; φ sees nothing (one value for every image), so
/// only the boxes' shading can place it.
final class MatchingSearchTests: XCTestCase {
    func grammar(shadeX: Double, mutable: Bool) throws -> Grammar {
        try squareSceneGrammar(background: 0.5,
                               square: "size: 10, loc_x: 8, loc_y: 8, texture: {constant: 1, range: [0, 1], mutable: \(mutable)}",
                               shade: "texture: 0.2, size: 5, loc_y: 8, loc_x: {constant: \(shadeX), range: [0, 16], mutable: \(mutable)}",
                               file: "shade-\(shadeX)-\(mutable)")
    }

    /// A trainer on the prior with the shade at `priorX` against the target's at 10 px: stage 1
    /// run, two matching epochs of 3 steps set (hold weight 10 on the shade's x, MMD² on the
    /// square's texture), `search` (if any) among the searches.
    func trainer(priorX: Double, search: StartSearchSettings?, sink: MemorySink) throws -> MetaSimTrainer {
        let prior = try grammar(shadeX: priorX, mutable: true)
        let target = try TargetSet.render(grammar: try grammar(shadeX: 10, mutable: false), seed: 3, images: 8, validation: 8,
                                          kind: .detection, classes: ["square"])
        var experiment = Experiment(grammar: prior.file, target: .rendered(grammar: "target", images: 8, validation: 8), name: "toy", seed: 4)
        experiment.transformer.hidden = [8]
        experiment.transformer.ignoreAttributes = ["loc_x"]
        experiment.reconstruction = ReconstructionSettings(maxSteps: 150, threshold: 1e-4, learningRate: 0.02, batchSize: 8)
        experiment.matching = MatchingSettings(phaseSearch: 0, startSearches: search.map { [$0] } ?? [], epochs: 2, stepsPerEpoch: 3,
                                               batchSize: 8, learningRate: 0.01)
        experiment.matching.mmdAttributes = ["texture"]
        experiment.matching.holdWeight = 10
        experiment.taskNetwork = TaskNetworkSettings(kind: .detection, classes: ["square"], batchSize: 4)
        let blind = FeatureFunction { Tensor(shape: [$0.shape[0], 1], data: [Float](repeating: 1, count: $0.shape[0])) }
        let trainer = try MetaSimTrainer(experiment: experiment, parts: try TrainerParts(grammar: prior, features: blind, target: target), sink: sink)
        try trainer.reconstruct()
        return trainer
    }

    /// The window over the whole range after epoch 1 (cells centred at 2, 6, 10, 14 px).
    var shadingWindow: StartSearchSettings {
        var search = StartSearchSettings(attributes: ["loc_x"], points: [4], span: [1], batchSize: 8)
        search.score = .boxShading
        search.afterEpoch = 1
        return search
    }

    /// Mean shade x (px) of 16 generated scenes.
    func learnedShadeX(_ trainer: MetaSimTrainer) throws -> Double {
        let xs = try trainer.generate(count: 16, seed: 9, start: 0).flatMap { sample in
            sample.graph.nodes.filter { $0.className == "shade" }.compactMap { node -> Double? in
                if case .number(let x)? = node.attributes["loc_x"] { return x }
                return nil
            }
        }
        XCTAssertEqual(xs.count, 16)
        return xs.reduce(0, +) / Double(xs.count)
    }

    /// Without the search the shade stays where the prior put it (6 px); with it the search
    /// picks the target's cell on the learned scenes, G_θ's output and the hold term's target
    /// move there, and matching's last epoch keeps it at 10 px.
    func testSearchAfterAnEpochMovesABlindAttributeAndTheHoldKeepsIt() throws {
        let unsearched = try trainer(priorX: 6, search: nil, sink: MemorySink())
        try unsearched.match()
        XCTAssertEqual(try learnedShadeX(unsearched), 6, accuracy: 0.5)

        let sink = MemorySink()
        let searched = try trainer(priorX: 6, search: shadingWindow, sink: sink)
        try searched.match()
        let record = try XCTUnwrap(sink.metrics.first { $0["stage"] as? String == "matching_search" })
        XCTAssertEqual(record["epoch"] as? Int, 1)
        XCTAssertEqual(record["best"] as? [Int], [2], "the 10-px cell: \(record)")
        XCTAssertEqual(record["kept"] as? Bool, false)
        let values = try XCTUnwrap(record["box_shading_mmd"] as? [Double])
        XCTAssertEqual(values.count, 4)
        XCTAssertLessThan(values[2], try XCTUnwrap(record["unmoved_box_shading_mmd"] as? Double) - 0.1, "\(record)")
        let means = try XCTUnwrap((record["means"] as? [String: [Double]])?["loc_x"])
        XCTAssertEqual(means[0], 6.0 / 16, accuracy: 0.02, "G_θ's output before, normalised")
        XCTAssertEqual(means[1], 10.0 / 16, accuracy: 0.005, "re-centred on the cell")
        let column = searched.grammar.schema.classes.count + searched.grammar.schema.attributes.firstIndex { $0.name == "loc_x" }!
        let hold = try XCTUnwrap(searched.blindTargets(searched.stageOneShifts)?.values[column]?.values.first)
        XCTAssertEqual(hold, 10.0 / 16, accuracy: 1e-5, "the hold's target on the cell's value")
        XCTAssertEqual(try learnedShadeX(searched), 10, accuracy: 0.5)
    }

    /// A search whose cells score no better than G_θ's output (prior and target both at 10 px,
    /// cells 2 px either side) leaves the transformer's weights and the hold's target as they were.
    func testSearchThatFindsNothingBetterChangesNothing() throws {
        let sink = MemorySink()
        var search = shadingWindow
        search.points = [2]
        search.span = [0.5]
        let trainer = try trainer(priorX: 10, search: search, sink: sink)
        let before = trainer.transformer.state
        XCTAssertFalse(try trainer.matchingSearch(search, number: 0, epoch: 1))
        let record = try XCTUnwrap(sink.metrics.first { $0["stage"] as? String == "matching_search" })
        XCTAssertEqual(record["kept"] as? Bool, true, "\(record)")
        XCTAssertEqual(trainer.transformer.state.mapValues(\.data), before.mapValues(\.data))
        XCTAssertTrue(trainer.stageOneShifts.isEmpty)
    }

    /// A trainer built in code refuses a search after an epoch over an attribute G_θ sees, at
    /// the search's attribute, before anything is rendered.
    func testSearchOverAnAttributeTheTransformerSeesIsRefused() throws {
        var search = shadingWindow
        search.attributes = ["texture"]
        let trainer = try trainer(priorX: 6, search: search, sink: MemorySink())
        XCTAssertThrowsError(try trainer.startSearch()) { error in
            XCTAssertEqual((error as? InputError)?.path, "matching.start_search.attributes[0]", "\(error)")
            XCTAssertTrue("\(error)".contains("blind to"), "\(error)")
        }
    }
}

import Grammar
import NN
import Scene
import Tensor
import XCTest
@testable import MetaSim

final class TaskObjectiveTests: XCTestCase {
    /// The objective works from explicit arguments alone (no trainer): a reward in [0, 1] and a
    /// gradient for exactly the parameters asked for, matched by identity.
    func testRewardAndGradientsFromExplicitArguments() throws {
        let grammar = try squareGrammar(locX: 4, mutable: true)
        let validation = try XCTUnwrap(try TargetSet.render(grammar: try squareGrammar(locX: 11, mutable: false), seed: 2,
                                                            images: 1, validation: 6).validation)
        let transformer = DistributionTransformer(width: grammar.schema.width, classCount: grammar.schema.classes.count,
                                                  hidden: [8], seed: 3)
        let asked = Array(transformer.trainableParameters.prefix(2))
        var objective = TaskObjective(settings: TaskSettings(images: 8), seed: 1)
        let (reward, gradients) = try objective.rewardGradients(
            graphs: try grammar.sample(seed: 1, range: 0..<8), encoder: SceneEncoder(grammar.schema), transformer: transformer,
            renderer: try renderer(for: grammar), validation: validation,
            network: TaskNetworkSettings(batchSize: 4), parameters: asked)
        XCTAssertTrue((0...1).contains(reward), "\(reward)")
        XCTAssertEqual(gradients.count, 2)
        for p in asked { XCTAssertEqual(gradients[p]?.shape, p.shape) }
        XCTAssertNil(gradients[transformer.trainableParameters.last!], "no gradient for a parameter not asked for")
    }

    /// A classifier's reward when the scenes show no object (here: squares of size 0; in a run,
    /// a move that carries the digit off the canvas): such images have no class and are left out
    /// of the network's training instead of stopping the run with "no visible object".
    func testClassificationRewardSkipsImagesWithoutAnObject() throws {
        let prior = try squareGrammar(locX: 4, mutable: true, size: 0)
        let validation = try XCTUnwrap(try TargetSet.render(grammar: try squareGrammar(locX: 11, mutable: false), seed: 2,
                                                            images: 1, validation: 6).validation)
        let transformer = DistributionTransformer(width: prior.schema.width, classCount: prior.schema.classes.count,
                                                  hidden: [8], seed: 3)
        for estimator in [TaskEstimator.reinforce, .attributeMoves] {
            var objective = TaskObjective(settings: TaskSettings(images: 8, estimator: estimator, fineTune: true), seed: 1)
            let (reward, gradients) = try objective.rewardGradients(
                graphs: try prior.sample(seed: 1, range: 0..<8), encoder: SceneEncoder(prior.schema), transformer: transformer,
                renderer: try renderer(for: prior), validation: validation,
                network: TaskNetworkSettings(batchSize: 4), parameters: transformer.trainableParameters)
            XCTAssertTrue((0...1).contains(reward), "\(estimator): \(reward)")
            XCTAssertEqual(gradients.count, transformer.trainableParameters.count)
        }
    }

    /// `attribute_moves` with fine-tuning: one antithetic pair per reward, the kept network's
    /// weights carried to the next reward, a gradient for the parameters asked for.
    func testAttributeMovesKeepTheFineTunedNetwork() throws {
        func grammar(locX: Double, mutable: Bool) throws -> Grammar {
            try squareSceneGrammar(background: 0, square: "texture: 1, size: 4, loc_x: {constant: \(locX), range: [0, 16], mutable: \(mutable)}, loc_y: 8",
                                   file: "square")
        }
        let prior = try grammar(locX: 4, mutable: true)
        let validation = try XCTUnwrap(try TargetSet.render(grammar: try grammar(locX: 11, mutable: false), seed: 2, images: 1,
                                                            validation: 6, kind: .segmentation, classes: ["ground", "square"]).validation)
        let transformer = DistributionTransformer(width: prior.schema.width, classCount: prior.schema.classes.count,
                                                  hidden: [8], seed: 3)
        let parameters = transformer.trainableParameters
        var objective = TaskObjective(settings: TaskSettings(sigma: 0.2, images: 6, estimator: .attributeMoves, fineTune: true), seed: 1)
        XCTAssertNil(objective.network)
        var kept: [[String: Tensor]] = []
        for round in 0..<2 {
            let (reward, gradients) = try objective.rewardGradients(
                graphs: try prior.sample(seed: UInt64(round), range: 0..<6), encoder: SceneEncoder(prior.schema),
                transformer: transformer, renderer: try renderer(for: prior), validation: validation,
                network: TaskNetworkSettings(kind: .segmentation, classes: ["ground", "square"], batchSize: 3, width: 4),
                parameters: parameters)
            XCTAssertTrue((0...1).contains(reward), "\(reward)")
            XCTAssertEqual(gradients.count, parameters.count)
            kept.append(try XCTUnwrap(objective.network))
        }
        XCTAssertEqual(Set(kept[0].keys), Set(kept[1].keys))
        XCTAssertTrue(kept[0].contains { name, value in value.data != kept[1][name]!.data }, "the network was fine-tuned again")
    }
}

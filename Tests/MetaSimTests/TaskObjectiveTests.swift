import NN
import Scene
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
}

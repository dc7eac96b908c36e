import Scene
import XCTest
@testable import MetaSim

/// `BlindAttributeTargets`: one target per class and column, the mean of the (shifted) mutable
/// reference values — circular for a wrapping attribute — set only on mutable entries.
final class BlindAttributeTargetsTests: XCTestCase {
    /// Two graphs of two nodes; columns: class a, class b, a bounded attribute, a wrapping one.
    /// The last node's bounded attribute is immutable (its 0.6 must not count or change).
    let batch = EncodedBatch(graphCount: 2, maxNodes: 2, width: 4, featureNames: ["a", "b", "x", "yaw"], nodeCounts: [2, 2],
                             features: [1, 0, 0.2, 0.95,  0, 1, 0.8, 0.1,
                                        1, 0, 0.4, 0.05,  0, 1, 0.6, 0.3],
                             mutableMask: [0, 0, 1, 1,  0, 0, 1, 0,
                                           0, 0, 1, 1,  0, 0, 0, 0],
                             adjacency: [Float](repeating: 0, count: 8), nodeMask: [1, 1, 1, 1])

    func testMeansPerClassCircularForWrappingColumns() {
        let targets = BlindAttributeTargets(reference: batch, columns: [2, 3], shifts: [:], classCount: 2, wraps: { $0 == 3 })
        XCTAssertEqual(targets.values[2]?[0] ?? -1, 0.3, accuracy: 1e-6)
        XCTAssertEqual(targets.values[2]?[1] ?? -1, 0.8, accuracy: 1e-6, "the immutable 0.6 does not count")
        let turn = targets.values[3]?[0] ?? -1
        XCTAssertLessThan(min(turn, 1 - turn), 1e-5, "0.95 and 0.05 average to 0 on the circle (\(turn)), not 0.5")
        XCTAssertNil(targets.values[3]?[1], "no mutable yaw of class b")
        // Turned by a quarter, the circular mean turns with it.
        let turned = BlindAttributeTargets(reference: batch, columns: [3], shifts: [3: AttributeShift(amount: 0.25, wraps: true)],
                                           classCount: 2, wraps: { _ in true })
        XCTAssertEqual(turned.values[3]?[0] ?? -1, 0.25, accuracy: 1e-5)
    }

    func testShiftsApplyBeforeAveragingAndTargetsReplaceOnlyMutableEntries() {
        let shifts = [2: AttributeShift(amount: 0.5, wraps: false)]
        let targets = BlindAttributeTargets(reference: batch, columns: [2], shifts: shifts, classCount: 2, wraps: { _ in false })
        // 0.2 + 0.5 and 0.4 + 0.5 (0.9); 0.8 + 0.5 is clamped to 1 − margin.
        XCTAssertEqual(targets.values[2]?[0] ?? -1, 0.8, accuracy: 1e-6)
        XCTAssertEqual(targets.values[2]?[1] ?? -1, 1 - AttributeShift.margin, accuracy: 1e-6)
        let target = batch.reconstructionTarget(shifts: shifts, blind: targets, classCount: 2)
        XCTAssertEqual(target[2], 0.8, accuracy: 1e-6)
        XCTAssertEqual(target[10], 0.8, accuracy: 1e-6)
        XCTAssertEqual(target[6], 1 - AttributeShift.margin, accuracy: 1e-6)
        XCTAssertEqual(target[14], 0.6, "immutable: unchanged")
        XCTAssertEqual(target[3], 0.95, "an unlisted column keeps its value")
        XCTAssertEqual(batch.reconstructionTarget(shifts: shifts, blind: nil, classCount: 2)[2], 0.7, accuracy: 1e-6, "without targets: shifted")
    }

    /// Stage 1 with x blind (prior U(2, 14) px, batch 4): G_θ gives every square one x, the
    /// reference sample's mean (8 px up to its error, 3.5 / √512 ≈ 0.15 px), within 0.05 px.
    /// Aimed at each batch's own values instead, it ends wherever the last batches' means and
    /// Adam's steps left it (a batch mean's error alone is 3.5 / √4 ≈ 1.7 px): measured 0.14,
    /// 0.43, 1.37 and 1.03 px from it on seeds 6–9.
    func testStageOneGivesABlindAttributeThePriorsMean() throws {
        let trainer = try stageOne(blindSpread: 0)
        let xs = squareXs(try trainer.generate(count: 16, seed: 9, start: 0).map(\.graph))
        let reference = try XCTUnwrap(try trainer.blindTargets([:])?.values.values.first?.values.first) * 16
        XCTAssertEqual(reference, 8, accuracy: 0.45, "the reference sample's mean")
        XCTAssertEqual(xs.max()! - xs.min()!, 0, accuracy: 0.05, "blind: one value")
        XCTAssertEqual(mean(xs), Double(reference), accuracy: 0.05, "\(xs)")
    }

    /// With `blind_spread: 0.25` stage 1 gives each square the reference mean plus a quarter of
    /// its prior draw's distance from the prior's mean (the prior spreads ±6 px: ±1.5 px here),
    /// within 0.05 px.
    func testStageOneKeepsTheBlindSpreadShareOfThePriorsSpread() throws {
        let trainer = try stageOne(blindSpread: 0.25)
        let learned = squareXs(try trainer.generate(count: 16, seed: 9, start: 0).map(\.graph))
        let drawn = squareXs(try trainer.generator.generate(count: 16, seed: 9, start: 0, learned: false).map(\.graph))
        let targets = try XCTUnwrap(try trainer.blindTargets([:]))
        let centre = Double(try XCTUnwrap(targets.values.values.first?.values.first)) * 16
        let priorMean = Double(try XCTUnwrap(targets.priorMeans.values.first?.values.first)) * 16
        XCTAssertEqual(centre, priorMean, accuracy: 1e-4, "unshifted: the centre is the prior's mean")
        XCTAssertGreaterThan(drawn.max()! - drawn.min()!, 6, "the prior draws spread")
        for (x, d) in zip(learned, drawn) {
            XCTAssertEqual(x, centre + 0.25 * (d - priorMean), accuracy: 0.05, "drawn \(d)")
        }
    }

    /// A trainer after stage 1 on squares at x ~ U(2, 14) px (16 px canvas) with x blind
    /// (batch 4, 200 steps) and `blindSpread`.
    private func stageOne(blindSpread: Double) throws -> MetaSimTrainer {
        let prior = try squareGrammar(locX: 8, mutable: true, spread: 6)
        let target = try TargetSet.render(grammar: try squareGrammar(locX: 11, mutable: false), seed: 3, images: 8)
        var experiment = Experiment(grammar: prior.file, target: .rendered(grammar: "square-target", images: 8), name: "blind", seed: 6)
        experiment.transformer.hidden = [16, 8, 16]
        experiment.transformer.ignoreAttributes = ["loc_x"]
        experiment.transformer.blindSpread = blindSpread
        experiment.reconstruction = ReconstructionSettings(maxSteps: 200, threshold: 1e-6, learningRate: 0.05, batchSize: 4)
        let trainer = try MetaSimTrainer(experiment: experiment, parts: try TrainerParts(grammar: prior, features: centroid, target: target))
        try trainer.reconstruct()
        return trainer
    }
}

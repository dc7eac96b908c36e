import Diagnostics
import Grammar
import Scene
import Tensor
import XCTest
@testable import MetaSim

/// The start search on a toy problem with a known answer whose MMD landscape has two basins in
/// a bounded attribute: matching alone ends in the near, wrong one; the search finds the other.
final class StartSearchTests: XCTestCase {
    /// φ with several basins in x: the intensity-weighted mean of cos and sin of 2πx/16 (a
    /// square at x and at x ± 16 px look alike) plus `slope` × the centroid x / 32 (which makes
    /// the target's own basin the deepest). `[N, 1, H, W]` → `[N, 3]`.
    static func periodic(slope: Float = 1.5) -> FeatureFunction { FeatureFunction { images in
        let (n, w) = (images.shape[0], images.shape[3])
        let phase = (0..<w).map { 2 * Float.pi * (Float($0) + 0.5) / 16 }
        let cosine = Tensor(shape: [1, 1, 1, w], data: phase.map { cos($0) })
        let sine = Tensor(shape: [1, 1, 1, w], data: phase.map { sin($0) })
        let xs = Tensor(shape: [1, 1, 1, w], data: (0..<w).map { slope * (Float($0) + 0.5) / 32 })
        let mass = images.sum(axes: [1, 2, 3]) + 1e-3
        return Tensor.concat([cosine, sine, xs].map { ((images * $0).sum(axes: [1, 2, 3]) / mass).reshaped([n, 1]) }, axis: 1)
    } }

    /// The prior's square at x = 6 px on a 32 px canvas; the target's at x ~ U(24, 28): φ's basins
    /// lie at x ≡ 26 (mod 16), i.e. 10 (the near one, worse) and 26 (the target).
    func run(startSearch: StartSearchSettings?, slope: Float = 1.5) throws -> (x: Double, sink: MemorySink) {
        try run(startSearches: startSearch.map { [$0] } ?? [], slope: slope)
    }

    func run(startSearches: [StartSearchSettings], slope: Float = 1.5) throws -> (x: Double, sink: MemorySink) {
        let prior = try squareGrammar(locX: 6, mutable: true, canvas: 32)
        let target = try TargetSet.render(grammar: try squareGrammar(locX: 26, mutable: false, canvas: 32, spread: 2), seed: 3, images: 32)
        var experiment = Experiment(grammar: prior.file, target: .rendered(grammar: "square-target", images: 32), name: "toy", seed: 4)
        experiment.transformer.hidden = [16, 8, 16]
        experiment.reconstruction = ReconstructionSettings(maxSteps: 150, threshold: 1e-4, learningRate: 0.02, batchSize: 8)
        experiment.matching = MatchingSettings(phaseSearch: 0, startSearches: startSearches, epochs: 2, stepsPerEpoch: 30,
                                               batchSize: 8, learningRate: 0.02)
        experiment.taskNetwork.trainImages = 16
        let sink = MemorySink()
        let trainer = try MetaSimTrainer(experiment: experiment,
                                         parts: try TrainerParts(grammar: prior, features: Self.periodic(slope: slope), target: target), sink: sink)
        let results = try trainer.run()
        return (try XCTUnwrap(results.learnedAttributeMeans["loc_x"]), sink)
    }

    /// Without a search, matching descends into the basin nearest the prior (x ≈ 10).
    func testMatchingAloneEndsInTheNearBasin() throws {
        let x = try run(startSearch: nil).x
        XCTAssertEqual(x, 10, accuracy: 3, "the landscape's near basin")
    }

    /// With a 4-point grid over loc_x (cell centres 4, 12, 20, 28 px) the search starts matching
    /// at 28, in the target's basin, and matching ends at the target's mean 26.
    func testStartSearchFindsTheTargetBasin() throws {
        let (x, sink) = try run(startSearch: StartSearchSettings(attributes: ["loc_x"], points: [4]))
        let record = try XCTUnwrap(sink.metrics.first { $0["stage"] as? String == "start_search" })
        XCTAssertEqual(record["best"] as? [Int], [3], "cell 3 of 4 (centre 28 px): \(record)")
        XCTAssertEqual((record["mmd"] as? [Double])?.count, 4)
        XCTAssertEqual(x, 26, accuracy: 1.5)
    }

    /// With a weaker slope (0.5: the near basin's bottom lies 0.25 above the target's in φ's
    /// linear coordinate), a 5-point grid over loc_x (cell centres 3.2, 9.6, 16, 22.4, 28.8 px)
    /// lands 0.4 px from the near basin's bottom (10) but 2.8 px (a sixth of a period) from the
    /// target's (26): one batch's MMD² prefers the near basin, and matching ends there.
    func testOneBatchScoringPicksTheNearBasinOnACoarseGrid() throws {
        let (x, sink) = try run(startSearch: StartSearchSettings(attributes: ["loc_x"], points: [5]), slope: 0.5)
        let record = try XCTUnwrap(sink.metrics.first { $0["stage"] as? String == "start_search" })
        XCTAssertEqual(record["best"] as? [Int], [1], "cell 1 of 5 (centre 9.6 px): \(record)")
        XCTAssertNil(record["refined"])
        XCTAssertEqual(x, 10, accuracy: 3)
    }

    /// The same grid with its 2 best basins (cells 1 and 4) refined by 15 matching steps each:
    /// the run from 28.8 px descends to the target's basin and ends lower than the one from
    /// 9.6 px, so matching starts there and ends at the target's mean 26.
    func testRefinementPicksTheBasinThatMatchingEndsLowerIn() throws {
        let (x, sink) = try run(startSearch: StartSearchSettings(attributes: ["loc_x"], points: [5], refine: 2, refineSteps: 15),
                                slope: 0.5)
        let record = try XCTUnwrap(sink.metrics.first { $0["stage"] as? String == "start_search" })
        XCTAssertEqual(record["grid_best"] as? [Int], [1], "\(record)")
        let refined = try XCTUnwrap(record["refined"] as? [[String: Any]])
        XCTAssertEqual(refined.map { $0["point"] as? [Int] }, [[1], [4]], "the two basins, grid order: \(refined)")
        XCTAssertEqual(record["best"] as? [Int], [4], "\(record)")
        XCTAssertEqual(sink.metrics.filter { $0["stage"] as? String == "start_refine" }.count, 30)
        XCTAssertEqual(x, 26, accuracy: 1.5)
    }

    /// φ: the intensity centroid (x, y) over the canvas width (32 px), `[N, 1, H, W]` → `[N, 2]`
    /// (in pixels MMD²'s kernels would not tell 20 px from 30 apart).
    static let scaledCentroid = FeatureFunction { images in
        let (n, h, w) = (images.shape[0], images.shape[2], images.shape[3])
        let xs = Tensor(shape: [1, 1, 1, w], data: (0..<w).map { (Float($0) + 0.5) / 32 })
        let ys = Tensor(shape: [1, 1, h, 1], data: (0..<h).map { (Float($0) + 0.5) / 32 })
        let mass = images.sum(axes: [1, 2, 3]) + 1e-3
        return Tensor.concat([xs, ys].map { ((images * $0).sum(axes: [1, 2, 3]) / mass).reshaped([n, 1]) }, axis: 1)
    }

    /// Two searches in order, x then y (prior square at (6, 6) px, target at (26 ± 2, 26), φ the
    /// centroid): each picks the cell whose centre (28 px) is nearest the target, and the second
    /// renders its grid with the first's choice applied: its best (28, 28) scores far below the
    /// first's best (28, 6); without the first's shift its points would be (6, y), as far from
    /// the target as the first's.
    func testLaterSearchesSeeTheEarlierChoices() throws {
        let prior = try squareGrammar(locX: 6, mutable: true, canvas: 32, locY: 6)
        let target = try TargetSet.render(grammar: try squareGrammar(locX: 26, mutable: false, canvas: 32, spread: 2, locY: 26),
                                          seed: 3, images: 32)
        var experiment = Experiment(grammar: prior.file, target: .rendered(grammar: "square-target", images: 32), name: "toy", seed: 4)
        experiment.transformer.hidden = [16, 8, 16]
        experiment.reconstruction = ReconstructionSettings(maxSteps: 150, threshold: 1e-4, learningRate: 0.02, batchSize: 8)
        experiment.matching = MatchingSettings(phaseSearch: 0, startSearches: [StartSearchSettings(attributes: ["loc_x"], points: [4]),
                                                                             StartSearchSettings(attributes: ["loc_y"], points: [4], batchSize: 12)],
                                               epochs: 0, batchSize: 8, learningRate: 0.02)
        experiment.mmd.scales = [4, 16]  // the target's spread is small against the distances searched over
        experiment.taskNetwork.trainImages = 8
        let sink = MemorySink()
        let trainer = try MetaSimTrainer(experiment: experiment,
                                         parts: try TrainerParts(grammar: prior, features: Self.scaledCentroid, target: target), sink: sink)
        _ = try trainer.run()
        let records = sink.metrics.filter { $0["stage"] as? String == "start_search" }
        XCTAssertEqual(records.map { $0["search"] as? Int }, [0, 1])
        XCTAssertEqual(records.map { $0["batch_size"] as? Int }, [8, 12], "matching.batch_size, then the second search's own")
        XCTAssertEqual(records.map { $0["best"] as? [Int] }, [[3], [3]], "\(records)")
        let best = records.compactMap { $0["best_mmd"] as? Double }
        XCTAssertEqual(best.count, 2)
        XCTAssertLessThan(best[1], 0.5 * best[0], "the second grid moves y with x already moved: \(best)")
    }

    /// A window search looks again, finer, at what a coarse one chose (prior square at x = 6 px,
    /// target at 26 ± 2, φ the centroid, loc_x's range [0, 32]). The whole-range grid of 4
    /// chooses the cell centre 28; a window of a quarter of the range (8 px) around it slides to
    /// [24, 32] and its 4 cells (25, 27, 29, 31) find 25 or 27 px, 1 px from the target's mean,
    /// at a lower MMD²; a third window (16 px, 2 cells at 20 and 28 px, both further off than
    /// the current value) keeps it.
    func testWindowSearchRefinesAnEarlierChoiceAndKeepsItWhenNothingBeatsIt() throws {
        let sink = MemorySink()
        let trainer = try windowSearchTrainer(searches: [
            StartSearchSettings(attributes: ["loc_x"], points: [4]),
            StartSearchSettings(attributes: ["loc_x"], points: [4], span: [0.25]),
            StartSearchSettings(attributes: ["loc_x"], points: [2], span: [0.5]),
        ], sink: sink)
        let shifts = try trainer.startSearch()
        let records = sink.metrics.filter { $0["stage"] as? String == "start_search" }
        XCTAssertEqual(records.map { $0["kept"] as? Bool }, [false, false, true], "\(records)")
        XCTAssertEqual(records[0]["best"] as? [Int], [3], "centre 28 px: \(records[0])")
        let best = records.compactMap { $0["best_mmd"] as? Double }
        XCTAssertLessThan(best[1], best[0], "the window's best beats the coarse cell")
        XCTAssertEqual(records[1]["unmoved_mmd"] as? Double, best[0], "the window search starts at the coarse choice")
        let shift = try XCTUnwrap(shifts[trainer.grammar.schema.classes.count + trainer.grammar.schema.attributes.firstIndex { $0.name == "loc_x" }!])
        let x = Double(shift.apply(6.0 / 32)) * 32
        XCTAssertTrue([25.0, 27.0].contains { abs($0 - x) < 1e-3 }, "a cell centre of the window 1 px from 26: \(x)")
    }

    /// A prior spread over most of the canvas (x ~ U(2, 30) px) against a narrow target (26 ± 2):
    /// moved whole, the prior's cell at 28 px is clamped at the canvas edge and stays wide; with
    /// `spreads` the grid also tries it narrowed to a quarter around the cell (x ~ 28 ± 3.5), and
    /// that point wins by far. A later window search over x keeps the narrowed spread.
    func testSpreadsNarrowAWidePriorAroundTheCell() throws {
        let sink = MemorySink()
        let prior = try squareGrammar(locX: 16, mutable: true, canvas: 32, spread: 14)
        let trainer = try windowSearchTrainer(searches: [
            StartSearchSettings(attributes: ["loc_x"], points: [4], spreads: [1, 0.25]),
            StartSearchSettings(attributes: ["loc_x"], points: [4], span: [0.25]),
        ], sink: sink, prior: prior)
        let shifts = try trainer.startSearch()
        let records = sink.metrics.filter { $0["stage"] as? String == "start_search" }
        XCTAssertEqual(records[0]["best"] as? [Int], [3, 1], "cell 3 (28 px), spread 0.25: \(records[0])")
        XCTAssertEqual(records[0]["spreads"] as? [Double], [1, 0.25])
        let mmd = try XCTUnwrap(records[0]["mmd"] as? [Double])
        XCTAssertEqual(mmd.count, 8, "4 cells × 2 spreads, the spread fastest")
        XCTAssertLessThan(mmd[7], mmd.dropLast().min()!, "narrowed, the cell at 28 px beats the whole prior moved there: \(mmd)")
        let column = trainer.grammar.schema.classes.count + trainer.grammar.schema.attributes.firstIndex { $0.name == "loc_x" }!
        let shift = try XCTUnwrap(shifts[column])
        XCTAssertEqual(shift.spread, 0.25, "the window search keeps the spread the first one chose")
        // The prior's ends 2 and 30 px land a quarter of their distance from its mean on either side of the chosen value.
        let (low, high) = (Double(shift.apply(2.0 / 32)) * 32, Double(shift.apply(30.0 / 32)) * 32)
        XCTAssertEqual(high - low, 7, accuracy: 0.5, "a quarter of the prior's 28 px")
        XCTAssertEqual((low + high) / 2, 26, accuracy: 2, "around the window's choice near the target's 26 px")
    }

    func testSpreadsAreRefusedForASearchWhoseAttributesAllWrap() throws {
        let grammar = try exampleGrammar("mnist.yaml")
        var matching = MatchingSettings()
        matching.startSearches = [StartSearchSettings(attributes: ["yaw"], points: [4], spreads: [0.5])]
        let problem = try XCTUnwrap(MetaSimTrainer.startSearchProblem(matching, grammar: grammar))
        XCTAssertEqual(problem.path, "matching.start_search.spreads")
        XCTAssertTrue(problem.message.contains("yaw"), problem.message)
    }

    func testWindowShiftsCoverTheWindowAroundTheCurrentValue() {
        func centres(points: Int, span: Float, current: AttributeShift?, wraps: Bool, mean: Float) -> [Float] {
            (0..<points).map { windowShift($0, of: points, span: span, current: current, wraps: wraps, mean: mean).apply(mean) }
        }
        // Bounded, centred on the mean 0.5: cells of [0.4, 0.6].
        assertEqual(centres(points: 2, span: 0.2, current: nil, wraps: false, mean: 0.5), [0.45, 0.55])
        // Bounded, the current value 0.95 (mean 0.5 moved by 0.45): the window slides to [0.8, 1].
        assertEqual(centres(points: 2, span: 0.2, current: AttributeShift(amount: 0.45, wraps: false), wraps: false, mean: 0.5), [0.85, 0.95])
        // Wrapping: turns around the current turn 0.9, across the period's end.
        assertEqual(centres(points: 4, span: 0.4, current: AttributeShift(amount: 0.9, wraps: true), wraps: true, mean: 0),
                     [0.75, 0.85, 0.95, 0.05])
    }

    /// Prior square at x = 6 px on a 32 px canvas, target at 26 ± 2, φ the centroid.
    /// `image_terms_only`: grid points scored by φ's whole-image terms alone. The crop term here
    /// (φ of a crop: the number of crops compared, 32 in the target bank, 8 in a batch) adds
    /// the same amount to every point; with the option the grid's MMD² values are exactly those
    /// of the same search without crops.
    func testImageTermsOnlyLeavesTheCropTermsOut() throws {
        func grid(crops: Bool, imageTermsOnly: Bool) throws -> [Double] {
            let sink = MemorySink()
            let search = StartSearchSettings(attributes: ["loc_x"], points: [4], imageTermsOnly: imageTermsOnly)
            _ = try windowSearchTrainer(searches: [search], sink: sink, crops: crops).startSearch()
            let record = try XCTUnwrap(sink.metrics.first { $0["stage"] as? String == "start_search" })
            XCTAssertEqual(record["image_terms_only"] as? Bool, imageTermsOnly ? true : nil)
            return try XCTUnwrap(record["mmd"] as? [Double])
        }
        let plain = try grid(crops: false, imageTermsOnly: false)
        XCTAssertEqual(plain.count, 4)
        XCTAssertEqual(try grid(crops: true, imageTermsOnly: true), plain)
        XCTAssertEqual(try grid(crops: false, imageTermsOnly: true), plain)
        let withCrops = try grid(crops: true, imageTermsOnly: false)
        for (a, b) in zip(withCrops, plain) { XCTAssertGreaterThan(a, b + 0.01, "the crop term counts: \(withCrops) against \(plain)") }
    }

    /// A start search that φ scores nearly alike at a point and its mirror image. Prior square
    /// at x = 6 px on a 32 px canvas, target at 26 ± 2 px, grid cells centred at 4, 12, 20,
    /// 28 px; φ = (squared distance of the centroid from the canvas centre, 0.01 × its signed
    /// distance): nearly mirror-invariant, as ImageNet features are. Without the mirror term
    /// the cells at 4 and 28 px (mirror images of each other) score within a few per cent; with
    /// it the 28-px cell scores far lower and wins.
    func testMirrorTermTellsAScenePlacementFromItsMirror() throws {
        let nearlySymmetric = FeatureFunction { images in
            let offset = Self.scaledCentroid(images).slice(axis: 1, 0..<1) - 0.5
            return Tensor.concat([offset * offset, offset * 0.01], axis: 1)
        }
        func grid(mirrorTerm: Bool) throws -> (mmd: [Double], best: [Int]) {
            let sink = MemorySink()
            let search = StartSearchSettings(attributes: ["loc_x"], points: [4], mirrorTerm: mirrorTerm)
            _ = try windowSearchTrainer(searches: [search], sink: sink, features: nearlySymmetric).startSearch()
            let record = try XCTUnwrap(sink.metrics.first { $0["stage"] as? String == "start_search" })
            XCTAssertEqual(record["mirror_term"] as? Bool, mirrorTerm ? true : nil)
            return (try XCTUnwrap(record["mmd"] as? [Double]), try XCTUnwrap(record["best"] as? [Int]))
        }
        let plain = try grid(mirrorTerm: false), mirrored = try grid(mirrorTerm: true)
        print("mirror term grid: without \(plain), with \(mirrored)")
        XCTAssertLessThan(abs(plain.mmd[0] - plain.mmd[3]), 0.05 * plain.mmd[3], "φ alone nearly blind to the mirror: \(plain.mmd)")
        XCTAssertEqual(mirrored.best, [3])
        XCTAssertGreaterThan(mirrored.mmd[0] - mirrored.mmd[3], 0.5, "the mirror term separates 4 px from 28 px: \(mirrored.mmd)")
    }

    /// A task-scored search finds what φ does not see. The prior's square (6 px on a 16 px
    /// canvas, grey 0.5 ground) is dark (0.1), the target's bright (0.9); φ is blind (the
    /// same feature for every image), so MMD² is equal at every grid point and an MMD search
    /// keeps its first. Scored by a segmenter trained on each point's scenes and judged by its
    /// mean IoU on 8 labelled target images, the bright cell (0.75) wins: a network that
    /// learned "darker than the ground is square" finds no square in the target. The values
    /// are 1 − mean IoU, the same on a second run (one network seed for every point).
    func testTaskScoredSearchFindsWhatPhiDoesNotSee() throws {
        func grammar(texture: Double, mutable: Bool) throws -> Grammar {
            try squareSceneGrammar(background: 0.5, square: "size: 6, loc_x: {uniform: [5, 11]}, loc_y: {uniform: [5, 11]}, "
                                   + "texture: {constant: \(texture), range: [0, 1], mutable: \(mutable)}",
                                   file: mutable ? "dark-prior" : "bright-target")
        }
        let prior = try grammar(texture: 0.1, mutable: true)
        let target = try TargetSet.render(grammar: try grammar(texture: 0.9, mutable: false), seed: 3, images: 8, validation: 8,
                                          kind: .segmentation, classes: ["ground", "square"])
        func search(_ score: StartSearchScore) throws -> [String: Any] {
            var experiment = Experiment(grammar: prior.file, target: .rendered(grammar: "bright-target", images: 8, validation: 8),
                                        name: "toy", seed: 4)
            var settings = StartSearchSettings(attributes: ["texture"], points: [2], batchSize: 32)
            settings.score = score
            settings.taskEpochs = 12
            experiment.matching = MatchingSettings(phaseSearch: 0, startSearches: [settings], epochs: 0, batchSize: 8)
            experiment.taskNetwork = TaskNetworkSettings(kind: .segmentation, classes: ["ground", "square"], batchSize: 4)
            experiment.taskNetwork.width = 4
            experiment.taskNetwork.learningRate = 0.01
            let sink = MemorySink()
            let blind = FeatureFunction { Tensor(shape: [$0.shape[0], 1], data: [Float](repeating: 1, count: $0.shape[0])) }
            _ = try MetaSimTrainer(experiment: experiment, parts: try TrainerParts(grammar: prior, features: blind, target: target),
                                   sink: sink).startSearch()
            return try XCTUnwrap(sink.metrics.first { $0["stage"] as? String == "start_search" })
        }
        let mmd = try search(.mmd)
        XCTAssertEqual(mmd["best"] as? [Int], [0], "φ sees no difference: the first point stays best: \(mmd)")
        let task = try search(.task)
        XCTAssertEqual(task["best"] as? [Int], [1], "the bright cell: \(task)")
        XCTAssertEqual(task["task_metric"] as? String, "mean_iou")
        XCTAssertNil(task["mmd"])
        let losses = try XCTUnwrap(task["task_loss"] as? [Double])
        XCTAssertEqual(losses.count, 2)
        XCTAssertTrue(losses.allSatisfy { (0...1).contains($0) }, "\(losses)")
        XCTAssertGreaterThan(losses[0], losses[1] + 0.1, "\(losses)")
        XCTAssertEqual(task["best_task_loss"] as? Double, losses[1])
        XCTAssertEqual(try search(.task)["task_loss"] as? [Double], losses, "one network seed and minibatch order per search")
    }

    /// A box-scored search on a toy whose answer is known: the prior's square is 4 px, the
    /// labelled target's 10 px; φ sees nothing (one value for every image), so MMD² leaves the
    /// first cell best, while the boxes pick the cell of size 10 (cells centred at 2, 6, 10, 14).
    func testBoxScoredSearchFindsTheSizeOfTheLabelledBoxes() throws {
        func grammar(size: Double, mutable: Bool) throws -> Grammar {
            try squareSceneGrammar(background: 0, square: "texture: 1, size: {constant: \(size), range: [0, 16], mutable: \(mutable)}, loc_x: 8, loc_y: 8",
                                   file: mutable ? "small-prior" : "large-target")
        }
        let prior = try grammar(size: 4, mutable: true)
        let target = try TargetSet.render(grammar: try grammar(size: 10, mutable: false), seed: 3, images: 8, validation: 8,
                                          kind: .detection, classes: ["square"])
        func search(_ score: StartSearchScore) throws -> [String: Any] {
            try blindDetectionSearch(attribute: "size", score: score, prior: prior, target: target, targetName: "large-target")
        }
        XCTAssertEqual(try search(.mmd)["best"] as? [Int], [0], "φ sees no difference")
        let boxes = try search(.boxes)
        XCTAssertEqual(boxes["best"] as? [Int], [2], "the 10-px cell: \(boxes)")
        let values = try XCTUnwrap(boxes["box_mmd"] as? [Double])
        XCTAssertEqual(values.count, 4)
        XCTAssertEqual(values[2], 0, accuracy: 1e-6, "the same boxes as the target's")
        XCTAssertTrue(values.allSatisfy { $0 >= 0 }, "\(values)")
        XCTAssertEqual(boxes["best_box_mmd"] as? Double, values[2])
        XCTAssertNil(boxes["mmd"])
    }

    /// A shading-scored search on a toy whose answer is known: a 10-px bright square (the
    /// labelled class) half covered by a 5-px dark shade, on the square's left half in the prior
    /// (x = 6 px) and on its right half in the target (x = 10 px). φ sees nothing, so MMD² leaves
    /// the first cell best; the boxes' shading (the dark third on the right) picks the cell of
    /// the target's shade (cells centred at 2, 6, 10, 14), where it equals the target's exactly.
    func testShadingScoredSearchFindsWhichSideIsDark() throws {
        func grammar(shadeX: Double, mutable: Bool) throws -> Grammar {
            try squareSceneGrammar(background: 0.5, square: "texture: 1, size: 10, loc_x: 8, loc_y: 8",
                                   shade: "texture: 0.2, size: 5, loc_y: 8, loc_x: {constant: \(shadeX), range: [0, 16], mutable: \(mutable)}",
                                   file: mutable ? "left-shade-prior" : "right-shade-target")
        }
        let prior = try grammar(shadeX: 6, mutable: true)
        let target = try TargetSet.render(grammar: try grammar(shadeX: 10, mutable: false), seed: 3, images: 8, validation: 8,
                                          kind: .detection, classes: ["square"])
        func search(_ score: StartSearchScore) throws -> [String: Any] {
            try blindDetectionSearch(attribute: "loc_x", score: score, prior: prior, target: target, targetName: "right-shade-target")
        }
        XCTAssertEqual(try search(.mmd)["best"] as? [Int], [0], "φ sees no difference")
        let shading = try search(.boxShading)
        XCTAssertEqual(shading["best"] as? [Int], [2], "the shade on the right half: \(shading)")
        let values = try XCTUnwrap(shading["box_shading_mmd"] as? [Double])
        XCTAssertEqual(values.count, 4)
        XCTAssertEqual(values[2], 0, accuracy: 1e-6, "the same shading as the target's")
        XCTAssertGreaterThan(values[1], values[2] + 0.1, "the prior's side: \(values)")
        XCTAssertEqual(shading["best_box_shading_mmd"] as? Double, values[2])
    }

    /// A shading-scored search whose validation boxes are all under `BoxShadingMMD.minimumSide`
    /// (4-px squares) is an `InputError` at its `score` that says so.
    func testShadingScoredSearchNeedsLargeEnoughBoxes() throws {
        let grammar = try squareSceneGrammar(background: 0, square: "texture: 1, size: {constant: 4, range: [0, 16], mutable: true}, loc_x: 8, loc_y: 8",
                                             file: "small-squares")
        let target = try TargetSet.render(grammar: grammar, seed: 3, images: 8, validation: 8, kind: .detection, classes: ["square"])
        XCTAssertThrowsError(try blindDetectionSearch(attribute: "size", score: .boxShading, prior: grammar, target: target,
                                                      targetName: "small-squares")) { error in
            XCTAssertEqual((error as? InputError)?.path, "matching.start_search.score", "\(error)")
            XCTAssertTrue("\(error)".contains("at least \(BoxShadingMMD.minimumSide) px"), "\(error)")
        }
    }

    /// A box- or shading-scored search without labelled detection validation images is an
    /// `InputError` at its `score`.
    func testBoxScoredSearchNeedsLabelledBoxes() throws {
        for score in [StartSearchScore.boxes, .boxShading] {
            var search = StartSearchSettings(attributes: ["loc_x"], points: [2])
            search.score = score
            let trainer = try windowSearchTrainer(searches: [search], sink: MemorySink())
            XCTAssertThrowsError(try trainer.startSearch()) { error in
                XCTAssertEqual((error as? InputError)?.path, "matching.start_search.score", "\(score): \(error)")
                XCTAssertEqual((error as? InputError)?.file, "experiment", "an experiment built in code has no file to name")
                XCTAssertTrue("\(error)".contains("score: \(score.rawValue)"), "\(error)")
            }
        }
    }

    /// A task-scored search without labelled target validation images is an `InputError` at
    /// its `score`, before anything is rendered.
    func testTaskScoredSearchNeedsValidationImages() throws {
        var search = StartSearchSettings(attributes: ["loc_x"], points: [2])
        search.score = .task
        let trainer = try windowSearchTrainer(searches: [search], sink: MemorySink())
        XCTAssertThrowsError(try trainer.startSearch()) { error in
            let input = error as? InputError
            XCTAssertEqual(input?.path, "matching.start_search.score", "\(error)")
        }
    }

    /// The metrics line of a 4-point start search over `attribute` of `prior` scored by `score`,
    /// on a detection toy whose φ is blind (one value for every image): only box-based scores
    /// see anything. `target` holds 8 images and 8 labelled validation images of class `square`.
    private func blindDetectionSearch(attribute: String, score: StartSearchScore, prior: Grammar, target: TargetSet,
                                      targetName: String) throws -> [String: Any] {
        var experiment = Experiment(grammar: prior.file, target: .rendered(grammar: targetName, images: 8, validation: 8), name: "toy", seed: 4)
        var settings = StartSearchSettings(attributes: [attribute], points: [4], batchSize: 8)
        settings.score = score
        experiment.matching = MatchingSettings(phaseSearch: 0, startSearches: [settings], epochs: 0, batchSize: 8)
        experiment.taskNetwork = TaskNetworkSettings(kind: .detection, classes: ["square"], batchSize: 4)
        let sink = MemorySink()
        let blind = FeatureFunction { Tensor(shape: [$0.shape[0], 1], data: [Float](repeating: 1, count: $0.shape[0])) }
        _ = try MetaSimTrainer(experiment: experiment, parts: try TrainerParts(grammar: prior, features: blind, target: target),
                               sink: sink).startSearch()
        return try XCTUnwrap(sink.metrics.first { $0["stage"] as? String == "start_search" })
    }

    private func windowSearchTrainer(searches: [StartSearchSettings], sink: MemorySink, crops: Bool = false,
                                     features: any FeatureNetwork = scaledCentroid, prior: Grammar? = nil) throws -> MetaSimTrainer {
        let prior = try prior ?? squareGrammar(locX: 6, mutable: true, canvas: 32)
        let target = try TargetSet.render(grammar: try squareGrammar(locX: 26, mutable: false, canvas: 32, spread: 2), seed: 3, images: 32)
        var experiment = Experiment(grammar: prior.file, target: .rendered(grammar: "square-target", images: 32), name: "toy", seed: 4)
        experiment.matching = MatchingSettings(phaseSearch: 0, startSearches: searches, batchSize: 8)
        experiment.mmd.scales = [4, 16]
        var parts = try TrainerParts(grammar: prior, features: features, target: target)
        if crops {
            parts.crops = (ObjectCrops(classes: ["Square"], size: 8),
                           FeatureFunction { Tensor(shape: [$0.shape[0], 1], data: [Float](repeating: Float($0.shape[0]), count: $0.shape[0])) })
        }
        return try MetaSimTrainer(experiment: experiment, parts: parts, sink: sink)
    }

    private func assertEqual(_ a: [Float], _ b: [Float], line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, line: line)
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 1e-5, "\(a) against \(b)", line: line) }
    }

    func testGridBasinsAreLocalMinimaLowestFirst() {
        // 1-D bounded: minima at 1 and 4 (an end counts when its one neighbour is higher).
        XCTAssertEqual(gridBasins([3, 1, 2, 5, 0.5], points: [5], wraps: [false]), [4, 1])
        // 1-D wrapping: index 0 has neighbour 4 (0.5), so only 4 and 2 are minima.
        XCTAssertEqual(gridBasins([0.9, 1, 0.8, 1, 0.5], points: [5], wraps: [true]), [4, 2])
        // 2-D with diagonals: [[1, 5, 5], [5, 5, 0]] → minima at (0,0) and (1,2); equal values: lower index.
        XCTAssertEqual(gridBasins([1, 5, 5, 5, 5, 0], points: [2, 3], wraps: [false, false]), [5, 0])
        XCTAssertEqual(gridBasins([2, 2, 3], points: [3], wraps: [false]), [0])
    }

    func testGridPointsAndShifts() throws {
        XCTAssertEqual((0..<6).map { gridPoint($0, points: [2, 3]) }, [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]])
        XCTAssertEqual(AttributeShift(amount: 0.75, wraps: true).apply(0.5), 0.25, accuracy: 1e-6)
        XCTAssertEqual(AttributeShift(amount: 0.75, wraps: false).apply(0.5), 1 - AttributeShift.margin)
        XCTAssertEqual(AttributeShift(amount: -0.75, wraps: false).apply(0.5), AttributeShift.margin)
        XCTAssertEqual(AttributeShift(amount: 0.25, wraps: false).apply(0.5), 0.75, accuracy: 1e-6)
        // With a spread: centre + spread · (value − centre) + amount, clamped.
        XCTAssertEqual(AttributeShift(amount: 0.1, spread: 0.5, centre: 0.5).apply(0.9), 0.8, accuracy: 1e-6)
        XCTAssertEqual(AttributeShift(amount: 0.1, spread: 0.5, centre: 0.5).apply(0.1), 0.4, accuracy: 1e-6)
        XCTAssertEqual(AttributeShift(amount: 0.6, spread: 0.5, centre: 0.5).apply(0.9), 1 - AttributeShift.margin)
    }

    /// A name that is not a mutable attribute is an error naming the field, before any work.
    func testUnknownAttributeIsRefused() throws {
        let prior = try squareGrammar(locX: 6, mutable: true, canvas: 32)
        let problem = MetaSimTrainer.startSearchProblem(MatchingSettings(startSearches: [StartSearchSettings(attributes: ["loc_x", "loc_y"], points: [4, 4])]), grammar: prior)
        XCTAssertEqual(problem?.path, "matching.start_search.attributes[1]")
        XCTAssertTrue(problem?.message.contains("'loc_y' is not a mutable attribute") ?? false, "\(String(describing: problem))")
        XCTAssertNil(MetaSimTrainer.startSearchProblem(MatchingSettings(startSearches: [StartSearchSettings(attributes: ["loc_x"], points: [4])]), grammar: prior))
    }
}

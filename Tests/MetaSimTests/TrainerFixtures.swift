import Foundation
import Grammar
import Render
import Scene
import Tensor
@testable import MetaSim
import TestSupport

/// The repository folder (tests read the bundled example grammars and data).
let repositoryRoot = Repository.root

func exampleGrammar(_ name: String) throws -> Grammar {
    try Grammar.load(path: repositoryRoot + "/examples/grammars/" + name)
}

/// A compositor for `grammar`'s canvas, classes and asset stores.
func renderer(for grammar: Grammar) throws -> CompositorRenderer {
    try grammar.makeCompositor(assets: grammar.assetRegistry())
}

/// A toy grammar built from text in code: one white `size`-px square on black on a `canvas`-px
/// square canvas, at x = `locX` (uniform in `locX` ± `spread` when `spread` > 0; mutable, range
/// [0, canvas], when `mutable`), y centred, or at `locY` (mutable when `mutable`) when given.
func squareGrammar(locX: Double, mutable: Bool, canvas: Int = 16, size: Double = 4, spread: Double = 0,
                   locY: Double? = nil) throws -> Grammar {
    let x = spread > 0 ? "uniform: [\(locX - spread), \(locX + spread)]" : "constant: \(locX)"
    let y = locY.map { "constant: \($0), range: [0, \(canvas)], mutable: \(mutable)" } ?? "constant: \(Double(canvas) / 2), range: [0, \(canvas)]"
    return try Grammar.parse(text: """
        canvas: {width: \(canvas), height: \(canvas), channels: 1}
        root: Canvas
        rules:
          Canvas:
            class: Image
            children: [Background, Square]
          Background:
            attributes:
              background: constant
              texture: 0
          Square:
            attributes:
              shape: rectangle
              texture: 1
              size: {constant: \(size), range: [0, \(canvas)]}
              loc_x: {\(x), range: [0, \(canvas)], mutable: \(mutable)}
              loc_y: {\(y)}
        """, file: mutable ? "square-prior" : "square-target")
}

/// A 16 × 16 grey canvas (`background` intensity) holding one object of class `square`: a
/// rectangle whose further attributes are the YAML flow-map entries `square` (for example
/// `size: 6, texture: {constant: 0.1, range: [0, 1], mutable: true}`); with `shade`, a second
/// rectangle of class `shade` with those entries, drawn over the square.
func squareSceneGrammar(background: Double, square: String, shade: String? = nil, file: String) throws -> Grammar {
    let shadeRule = shade.map { "\n  Shade:\n    class: shade\n    attributes: {shape: rectangle, \($0)}" } ?? ""
    return try Grammar.parse(text: """
        canvas: {width: 16, height: 16, channels: 1}
        root: Canvas
        rules:
          Canvas:
            children: [Background, Square\(shade == nil ? "" : ", Shade")]
          Background:
            attributes: {background: constant, texture: \(background)}
          Square:
            class: square
            attributes: {shape: rectangle, \(square)}
        """ + shadeRule, file: file)
}

/// φ for toy tests: each image's intensity centroid (x, y) in pixels, `[N, C, H, W]` → `[N, 2]`.
let centroid = CentroidFeatures(includeBrightness: false)

/// A trainer for the final comparison on tiny MNIST digits: the upright prior
/// (examples/grammars/mnist.yaml) against 8 images and 24 labelled test images of `target`
/// (seed 5), φ the intensity centroid (no pretrained network), task networks of width 4 trained
/// for 1 epoch on 16 images; `configure` changes the task network settings further.
func tinyMNISTComparisonTrainer(target targetGrammar: Grammar, configure: (inout TaskNetworkSettings) -> Void = { _ in }) throws -> MetaSimTrainer {
    let prior = try exampleGrammar("mnist.yaml")
    var experiment = Experiment(grammar: prior.file, target: .rendered(grammar: targetGrammar.file, images: 8, test: 24), seed: 7)
    experiment.transformer.hidden = [8]
    experiment.taskNetwork = TaskNetworkSettings(trainImages: 16, epochs: 1, batchSize: 8, width: 4)
    configure(&experiment.taskNetwork)
    let target = try TargetSet.render(grammar: targetGrammar, seed: 5, images: 8, test: 24, classes: (0...9).map(String.init))
    return try MetaSimTrainer(experiment: experiment, parts: try TrainerParts(grammar: prior, features: centroid, target: target))
}

/// A toy run whose answer is known: the prior puts the square at x = 4 px, the 32 target images
/// at x = 11 px; φ is the intensity centroid; stage 1, then 2 matching epochs of 30 steps; the
/// final task network sees 16 images (there is no labelled test set). Its reports go to `sink`.
func toyTrainer(sink: any RunSink) throws -> MetaSimTrainer {
    let prior = try squareGrammar(locX: 4, mutable: true)
    let target = try TargetSet.render(grammar: try squareGrammar(locX: 11, mutable: false), seed: 3, images: 32)
    var experiment = Experiment(grammar: prior.file, target: .rendered(grammar: "square-target", images: 32), name: "toy", seed: 4)
    experiment.transformer.hidden = [16, 8, 16]
    experiment.reconstruction = ReconstructionSettings(maxSteps: 150, threshold: 1e-4, learningRate: 0.02, batchSize: 8)
    experiment.matching = MatchingSettings(phaseSearch: 0, epochs: 2, stepsPerEpoch: 30, batchSize: 8, learningRate: 0.02)
    experiment.taskNetwork.trainImages = 16
    return try MetaSimTrainer(experiment: experiment, parts: try TrainerParts(grammar: prior, features: centroid, target: target),
                              sink: sink)
}

/// The loc_x values of the mutable squares in `graphs`.
func squareXs(_ graphs: [SceneGraph]) -> [Double] {
    graphs.flatMap { $0.nodes.compactMap { $0.mutable.contains("loc_x") ? $0.number("loc_x") : nil } }
}

func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(max(1, values.count)) }

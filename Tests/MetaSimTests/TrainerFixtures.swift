import Foundation
import Grammar
import Render
import Scene
import Tensor
@testable import MetaSim

/// The repository folder (tests read the bundled example grammars and data).
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

func exampleGrammar(_ name: String) throws -> Grammar {
    try Grammar.load(path: repositoryRoot + "/examples/grammars/" + name)
}

/// A compositor for `grammar`'s canvas, classes and asset stores.
func renderer(for grammar: Grammar) throws -> CompositorRenderer {
    try grammar.makeRenderer(assets: grammar.assetRegistry())
}

/// A toy grammar built from text in code: one white `size`-px square on black on a `canvas`-px
/// square canvas, at x = `locX` (mutable, range [0, canvas], when `mutable`), y centred.
func squareGrammar(locX: Double, mutable: Bool, canvas: Int = 16, size: Double = 4) throws -> Grammar {
    try Grammar.parse(text: """
        canvas: {width: \(canvas), height: \(canvas), channels: 1}
        root: Canvas
        rules:
          Canvas:
            class: Image
            children: [Background, Square]
          Background:
            attributes:
              texture: 0
          Square:
            attributes:
              shape: rectangle
              texture: 1
              size: {constant: \(size), range: [0, \(canvas)]}
              loc_x: {constant: \(locX), range: [0, \(canvas)], mutable: \(mutable)}
              loc_y: {constant: \(Double(canvas) / 2), range: [0, \(canvas)]}
        """, file: mutable ? "square-prior" : "square-target")
}

/// φ for toy tests: each image's intensity centroid (x, y) in pixels, `[N, C, H, W]` → `[N, 2]`;
/// a smooth function of the pixels, so MMD sees how far apart two squares are even when they do
/// not overlap.
func centroid(_ images: Tensor) -> Tensor {
    let (n, h, w) = (images.shape[0], images.shape[2], images.shape[3])
    let xs = Tensor(shape: [1, 1, 1, w], data: (0..<w).map { Float($0) + 0.5 })
    let ys = Tensor(shape: [1, 1, h, 1], data: (0..<h).map { Float($0) + 0.5 })
    let mass = images.sum(axes: [1, 2, 3]) + 1e-3
    let cx = (images * xs).sum(axes: [1, 2, 3]) / mass
    let cy = (images * ys).sum(axes: [1, 2, 3]) / mass
    return Tensor.concat([cx.reshaped([n, 1]), cy.reshaped([n, 1])], axis: 1)
}

/// The loc_x values of the mutable squares in `graphs`.
func squareXs(_ graphs: [SceneGraph]) -> [Double] {
    graphs.flatMap { $0.nodes.compactMap { $0.mutable.contains("loc_x") ? $0.number("loc_x") : nil } }
}

func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(max(1, values.count)) }

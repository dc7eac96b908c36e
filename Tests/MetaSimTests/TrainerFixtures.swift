import Foundation
import Grammar
import Render
import Scene
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

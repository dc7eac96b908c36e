import ArgumentParser
import Foundation
import Grammar
import Scene

struct EncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Sample scene graphs and print their encoding for learning (JSON).",
        discussion: """
        Prints one JSON object: featureNames (class one-hot columns `class=NAME`, then the \
        encoded attributes), graphCount, maxNodes, width, nodeCounts, and flat row-major arrays \
        features and mutableMask [graphCount, maxNodes, width], adjacency [graphCount, \
        maxNodes, maxNodes] (1 at [g, parent, child]) and nodeMask [graphCount, maxNodes]. \
        Attributes are normalised to [0, 1] by their declared ranges.

        Example: metasim encode --grammar examples/grammars/shapes.yaml --count 2
        """)

    @OptionGroup var options: SamplingOptions

    func run() throws {
        try options.checkOutput()
        let g = try Grammar.load(path: options.grammar)
        let graphs = try g.sample(seed: options.seed, range: 0..<options.count)
        let batch = SceneEncoder(g.schema).encode(graphs)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = try encoder.encode(batch)
        data.append(0x0A)
        try options.write(data)
    }
}

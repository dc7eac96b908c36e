// Example: render a dataset from a grammar built in code.
//
//   swift run RenderFromCode [--count N] [--seed S] [--format imagefolder|coco|jsonl|webdataset] [--out DIR]
//                            [--grammar FILE]
//
// The grammar is a string in this file (squares and discs on a dark 32x32 canvas, MetaSim's
// grammar format: see Sources/Grammar/README.md), or the grammar FILE; it is parsed, sampled,
// rendered with the built-in compositor and written with the Datasets writers. Labels of the
// built-in grammar count the squares ("2-squares"); a file's images are labelled with their one
// visible class. COCO gets every object's mask and box.
import Datasets
import Foundation
import Grammar
import MetaSim

let grammarText = """
    canvas: {width: 32, height: 32, channels: 1}
    root: Image
    rules:
      Image:
        children: [Background, Scene]
      Background:
        attributes:
          background: constant
          texture: {uniform: [0, 0.2], range: [0, 1]}
      Scene:
        children:
          - {rule: Square, count: {uniform_int: [1, 3]}}
          - {rule: Disc, count: {uniform_int: [0, 2]}}
      Square:
        class: square
        attributes:
          shape: rectangle
          texture: {uniform: [0.6, 1], range: [0, 1]}
          size: {uniform: [4, 9], range: [0, 32]}
          loc_x: {uniform: [5, 27], range: [0, 32]}
          loc_y: {uniform: [5, 27], range: [0, 32]}
      Disc:
        class: disc
        attributes:
          shape: ellipse
          texture: {uniform: [0.4, 0.8], range: [0, 1]}
          size: {uniform: [4, 9], range: [0, 32]}
          loc_x: {uniform: [5, 27], range: [0, 32]}
          loc_y: {uniform: [5, 27], range: [0, 32]}
    """

/// `--name value` pairs from the command line.
func options() throws -> [String: String] {
    var result: [String: String] = [:]
    var args = CommandLine.arguments.dropFirst()
    while let name = args.popFirst() {
        guard name.hasPrefix("--"), let value = args.popFirst() else {
            throw ExampleError("usage: RenderFromCode [--count N] [--seed S] [--format imagefolder|coco|jsonl|webdataset] [--out DIR] [--grammar FILE]")
        }
        result[String(name.dropFirst(2))] = value
    }
    return result
}

struct ExampleError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

do {
    let opts = try options()
    let count = Int(opts["count"] ?? "16") ?? 0
    let seed = UInt64(opts["seed"] ?? "1") ?? 1
    guard count >= 1 else { throw ExampleError("--count must be a positive integer") }
    guard let format = DatasetFormat(rawValue: opts["format"] ?? "coco") else {
        throw ExampleError("--format must be one of \(DatasetFormat.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    let out = opts["out"] ?? "render-from-code"

    let file = opts["grammar"]
    let grammar = try file.map { try Grammar.load(path: $0) } ?? Grammar.parse(text: grammarText, file: "RenderFromCode grammar")
    let assets = grammar.assetRegistry()
    let renderer = try grammar.makeRenderer(assets: assets)
    let writer = try format.makeWriter(directory: out, classes: renderer.classes)
    for first in stride(from: 0, to: count, by: 64) {
        let graphs = try grammar.sample(seed: seed, range: first..<min(count, first + 64), assets: assets)
        for (graph, rendered) in zip(graphs, try renderer.render(graphs)) {
            let squares = graph.nodes.filter { $0.className == "square" }.count
            try writer.append(rendered, graph: graph, label: file == nil ? "\(squares)-squares" : nil)
        }
    }
    try writer.finish()
    print("wrote \(writer.count) images (\(format.rawValue)) to \(out); classes: \(renderer.classes.joined(separator: ", "))")
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(2)
}

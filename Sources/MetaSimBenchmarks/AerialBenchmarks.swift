import Assets
import Diagnostics
import Grammar
import MetaSim
import Render
import Scene

/// The aerial experiment's scenes (experiments/grammars/aerial-prior.yaml, 128×128 RGB: 1–3
/// roads with cars and houses placed on them, trees, `avoid` checks): rendering with ground
/// truth, and the exact VJP (car offset/heading, house setback, tree size) relative to it.
let aerialBenchmarks: [Benchmark] = [
    Benchmark(names: ["render.aerial128.images_per_s", "render.aerial128.vjp_over_render.ratio"]) {
        guard let path = BundledData.repositoryFile("experiments/grammars/aerial-prior.yaml") else {
            throw InputError(file: "experiments/grammars/aerial-prior.yaml", message: "run the benchmarks from the repository")
        }
        let grammar = try Grammar.load(path: path)
        let renderer = try grammar.makeRenderer(assets: grammar.assetRegistry())
        let graphs = try grammar.sample(seed: 1, range: 0..<64)
        let size = renderer.canvas.width * renderer.canvas.height * renderer.canvas.channels
        let upstream = graphs.indices.map { i in (0..<size).map { p in Float((p * 7 + i) % 13) / 13 - 0.5 } }
        let render = medianSeconds(repeats: 5, minSeconds: 0.2) { _ = try? renderer.render(graphs) }
        let vjp = medianSeconds(repeats: 5, minSeconds: 0.2) { _ = try? renderer.vjp(graphs, imageGradients: upstream) }
        return [
            BenchResult(name: "render.aerial128.images_per_s", value: Double(graphs.count) / render, unit: "images/s"),
            BenchResult(name: "render.aerial128.vjp_over_render.ratio", value: vjp / render, unit: "ratio"),
        ]
    },
]

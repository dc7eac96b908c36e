import Assets
import Diagnostics
import Grammar
import MetaSim
import Render
import Scene

/// The driving experiment's scenes (experiments/grammars/driving-prior.yaml, 256×128 RGB, drawn
/// by Render3D): images per second with ground truth (`render`) and without (`renderPixels`, the
/// training path and what finite differences call), over a batch of 64 graphs.
let render3DBenchmarks: [Benchmark] = [
    Benchmark(names: ["render3d.driving.images_per_s", "render3d.driving.pixels_only.images_per_s"]) {
        guard let path = BundledData.repositoryFile("experiments/grammars/driving-prior.yaml") else {
            throw InputError(file: "experiments/grammars/driving-prior.yaml", message: "run the benchmarks from the repository")
        }
        let grammar = try Grammar.load(path: path)
        let renderer = try grammar.makeRenderer(assets: grammar.assetRegistry())
        let graphs = try grammar.sample(seed: 1, range: 0..<64)
        let render = medianSeconds(repeats: 5, minSeconds: 0.3) { _ = try? renderer.render(graphs) }
        let pixels = medianSeconds(repeats: 5, minSeconds: 0.3) { _ = try? renderer.renderPixels(graphs) }
        return [
            BenchResult(name: "render3d.driving.images_per_s", value: Double(graphs.count) / render, unit: "images/s"),
            BenchResult(name: "render3d.driving.pixels_only.images_per_s", value: Double(graphs.count) / pixels, unit: "images/s"),
        ]
    },
]

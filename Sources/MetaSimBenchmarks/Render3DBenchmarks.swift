import Assets
import Foundation
import Diagnostics
import Grammar
import MetaSim
import Render
import Scene

/// The driving experiment's scenes (experiments/grammars/driving-prior.yaml, 256×128 RGB, drawn
/// by Render3D): images per second with ground truth (`render`) and without (`renderPixels`, the
/// training path and what finite differences call), over a batch of 64 graphs; and, because a
/// shared machine's wall clock says little, images per second of this process's CPU time with
/// ground truth (`render3d.driving.images_per_cpu_s`: multiply by the idle cores for what an
/// unloaded machine would do).
let render3DBenchmarks: [Benchmark] = [
    Benchmark(names: ["render3d.driving.images_per_s", "render3d.driving.pixels_only.images_per_s",
                      "render3d.driving.images_per_cpu_s"]) {
        guard let path = BundledData.repositoryFile("experiments/grammars/driving-prior.yaml") else {
            throw InputError(file: "experiments/grammars/driving-prior.yaml", message: "run the benchmarks from the repository")
        }
        let grammar = try Grammar.load(path: path)
        let renderer = try grammar.makeRenderer(assets: grammar.assetRegistry())
        let graphs = try grammar.sample(seed: 1, range: 0..<64)
        let render = medianSeconds(repeats: 5, minSeconds: 0.3) { _ = try? renderer.render(graphs) }
        let pixels = medianSeconds(repeats: 5, minSeconds: 0.3) { _ = try? renderer.renderPixels(graphs) }
        let cpuStart = processCPUSeconds()
        var rendered = 0
        repeat {
            _ = try renderer.render(graphs)
            rendered += graphs.count
        } while processCPUSeconds() - cpuStart < (BenchTiming.singleCall ? 0 : 1)
        let cpu = processCPUSeconds() - cpuStart
        return [
            BenchResult(name: "render3d.driving.images_per_s", value: Double(graphs.count) / render, unit: "images/s"),
            BenchResult(name: "render3d.driving.pixels_only.images_per_s", value: Double(graphs.count) / pixels, unit: "images/s"),
            BenchResult(name: "render3d.driving.images_per_cpu_s", value: Double(rendered) / cpu, unit: "images/cpu-s"),
        ]
    },
]

/// CPU time (user + system) this process has used, all threads, in seconds.
func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

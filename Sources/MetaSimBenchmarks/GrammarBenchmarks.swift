import Assets
import Foundation
import Grammar

/// Grammar sampling throughput: parallel `Grammar.sample(seed:range:)` on the bundled MNIST
/// grammar (4 nodes, one asset draw) and on the ~50-node city grammar. Graphs per second,
/// medians of 5 rounds of 2,000 graphs; the MNIST store is loaded once before timing.
let grammarBenchmarks: [Benchmark] = [
    Benchmark(names: ["grammar.sample.mnist.graphs_per_s", "grammar.sample.large.graphs_per_s"]) {
        var results: [BenchResult] = []
        for (name, file) in [("mnist", "mnist.yaml"), ("large", "city.yaml")] {
            let grammar = try Grammar.load(path: BundledData.repositoryFile("examples/grammars/\(file)") ?? "examples/grammars/\(file)")
            let assets = grammar.assetRegistry()
            let batch = 2_000
            var seed: UInt64 = 0
            let seconds = try medianSeconds(repeats: 5, minSeconds: 0.2) {
                seed += 1
                _ = try grammar.sample(seed: seed, range: 0..<batch, assets: assets)
            }
            results.append(BenchResult(name: "grammar.sample.\(name).graphs_per_s", value: Double(batch) / seconds, unit: "graphs/s"))
        }
        return results
    },
]

/// Grammar sampling benchmarks (filled in by the grammar work).
let grammarBenchmarks: [Benchmark] = []

import Foundation

/// One measured figure, printed by `metasim bench --json` as a JSON object on its own line.
public struct BenchResult: Codable, Equatable, Sendable {
    /// Dotted identifier of the figure, `area.case.metric` (e.g. `tensor.sgemm1024.engine_gflops`);
    /// `--filter` matches on its prefix.
    public var name: String
    /// The measured figure, expressed in `unit` (usually a median over rounds, see `medianSeconds`).
    public var value: Double
    /// Unit of `value` as printed: `s`, `us`, `images/s`, `graphs/s`, `GFLOP/s`, `steps`, `degrees` or
    /// `ratio` (dimensionless).
    public var unit: String

    /// Makes a result; no validation of the name or unit is done.
    public init(name: String, value: Double, unit: String) {
        self.name = name
        self.value = value
        self.unit = unit
    }
}

/// A benchmark: a group of figures measured together (for example an engine's GEMM and the
/// BLAS reference it is compared to, in the same run). `names` lists every figure it reports,
/// so `--filter PREFIX` can select it without running it.
public struct Benchmark: Sendable {
    /// Names of every `BenchResult` that `run` reports, known without running it (used by `matches`).
    public var names: [String]
    /// Performs the measurement and returns its results, named from `names` (a figure whose
    /// reference is unavailable, such as the PIL timing, may be left out). Throws what its setup
    /// throws, e.g. `InputError` when run outside the repository and its data files are missing.
    public var run: @Sendable () throws -> [BenchResult]

    /// For a benchmark too long for every run (minutes): the start every `--filter` that
    /// selects it must have (so neither "" nor a wider prefix such as `metasim.` runs it); nil
    /// for the others.
    public var requiredPrefix: String?

    /// Makes a benchmark; `names` should list every figure `run` may report, so filtering is exact.
    public init(names: [String], requiredPrefix: String? = nil, run: @escaping @Sendable () throws -> [BenchResult]) {
        self.names = names
        self.requiredPrefix = requiredPrefix
        self.run = run
    }

    /// True when any of the figures' names starts with `prefix` (always true for "") and
    /// `prefix` starts with `requiredPrefix`, if any.
    public func matches(_ prefix: String) -> Bool {
        if let requiredPrefix, !prefix.hasPrefix(requiredPrefix) { return false }
        return prefix.isEmpty || names.contains { $0.hasPrefix(prefix) }
    }
}

/// Every benchmark the product has, in the order `metasim bench` runs them.
/// Each area adds its list in its own file.
public let allBenchmarks: [Benchmark] =
    grammarBenchmarks
    + tensorBenchmarks
    + renderBenchmarks
    + codecsBenchmarks
    + trainingBenchmarks
    + taskTrainingBenchmarks
    + aerialBenchmarks
    + render3DBenchmarks
    + timeToResultBenchmarks

/// How `medianSeconds` repeats its body.
public enum BenchTiming {
    /// False (the default): rounds last at least their `minSeconds`, the number of calls depends
    /// on the machine's speed. True: one warm-up call and one measured call, whatever the time,
    /// so that the work done — and an instruction count under `valgrind --tool=callgrind` — is
    /// the same on every run (`metasim bench --single-call`; the times are then rough).
    nonisolated(unsafe) public static var singleCall = false
}

/// Times `body` and returns the median seconds per call over `repeats` rounds, after one
/// warm-up call. Each round runs `body` as many times as needed to last `minSeconds`, so
/// very fast bodies are still measured above the clock's resolution. Medians, not means:
/// these machines are noisy. With `BenchTiming.singleCall`, one round of one call.
public func medianSeconds(repeats: Int = 5, minSeconds: Double = 0.05, _ body: () throws -> Void) rethrows -> Double {
    try body()
    let minSeconds = BenchTiming.singleCall ? 0 : minSeconds
    var rounds: [Double] = []
    for _ in 0..<(BenchTiming.singleCall ? 1 : max(1, repeats)) {
        var calls = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        repeat {
            try body()
            calls += 1
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        } while elapsed < minSeconds
        rounds.append(elapsed / Double(calls))
    }
    rounds.sort()
    return rounds[rounds.count / 2]
}

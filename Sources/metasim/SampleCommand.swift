import ArgumentParser
import Codecs
import Diagnostics
import Foundation
import Assets
import Grammar
import Parallel
import Scene

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Sample scene graphs from a grammar as JSON Lines.",
        discussion: """
        Writes one scene graph per line (JSON, keys sorted): nodes in pre-order with rule, class, \
        attributes, mutable names, parent index and asset. Graph i depends only on the grammar, \
        the seed and i, so any split of a run gives the same bytes. Sampling and encoding run in \
        parallel, 4096 graphs at a time, and each chunk's parts are written in order as they are \
        ready, while the rest are still being sampled (memory does not grow with --count). With \
        --out the file appears complete or not at all (temporary name, then rename); standard \
        output receives the lines as they come.

        Example: metasim sample --grammar examples/grammars/mnist.yaml --count 5 --seed 1
        """)

    @OptionGroup var options: SamplingOptions

    @Option(parsing: .unconditional, help: "Index of the first graph (to sample a run in parts).")
    var start: Int = 0

    func validate() throws {
        guard start >= 0 else { throw ValidationError("--start must not be negative") }
        guard !start.addingReportingOverflow(options.count).overflow else {
            throw ValidationError("--start plus --count must be below 2^63")
        }
    }

    /// Graphs per chunk: sampled in parallel, written, then dropped, so memory does not grow
    /// with --count.
    static let chunkSize = 4096

    func run() throws {
        try options.checkOutput()
        _ = MemoryTuning.applied    // each chunk's line buffers reuse the last chunk's heap, not fresh pages
        let g = try Grammar.load(path: options.grammar)
        let assets = g.assetRegistry()
        let end = start + options.count
        try options.stream { emit in
            var first = start
            while first < end {
                let chunk = first..<(first + min(end - first, SampleCommand.chunkSize))
                try SampleCommand.lines(of: g, seed: options.seed, range: chunk, assets: assets, emit: emit)
                first = chunk.upperBound
            }
        }
    }

    /// Graphs `range` of the run seeded with `seed` as JSON Lines (`SceneGraphJSONWriter`),
    /// sampled and encoded in parallel in up to 16 contiguous parts and given to `emit` in
    /// order, each as soon as it and the parts before it are ready (`parallelPrepareInOrder`:
    /// writing overlaps sampling).
    static func lines(of grammar: Grammar, seed: UInt64, range: Range<Int>, assets: AssetRegistry,
                      emit: ([UInt8]) throws -> Void) throws {
        let parts = min(16, range.count)
        try parallelPrepareInOrder(parts, prepare: { part in
            let indices = (range.lowerBound + range.count * part / parts)..<(range.lowerBound + range.count * (part + 1) / parts)
            return try SceneGraphJSONWriter.jsonLines(indices.map { try grammar.sample(seed: seed, index: $0, assets: assets) })
        }, commit: emit)
    }
}

/// The options `sample` and `encode` share: what to sample and where the output goes.
struct SamplingOptions: ParsableArguments {
    @Option(help: "The grammar file (MetaSim YAML/JSON or original Meta-Sim JSON).")
    var grammar: String

    @Option(parsing: .unconditional, help: "Number of scene graphs (0 or more).")
    var count: Int

    @Option(parsing: .unconditional, help: "Random seed (0 ... 2^64-1).")
    var seed: UInt64 = 0

    @Option(help: "Output file; standard output when omitted.")
    var out: String?

    func validate() throws {
        guard count >= 0 else { throw ValidationError("--count must not be negative") }
    }

    /// Checks `--out` before any work: a file name in an existing, writable folder (throws an
    /// `InputError` naming the path otherwise); removes what killed runs left writing it.
    func checkOutput() throws {
        if let out {
            try AtomicFile.checkDestination(out)
            AtomicFile.removeAbandonedTemporaries(of: out)
        }
    }

    /// Writes `data` to `--out` (temporary name, then rename; errors are `InputError`s naming
    /// the file) or to standard output (`StandardOutput.write`).
    func write(_ data: Data) throws {
        try stream { emit in try emit([UInt8](data)) }
    }

    /// Runs `body`, which emits the output in pieces: to `--out` through a temporary file that
    /// is renamed into place only when `body` returns (removed if it throws), or straight to
    /// standard output.
    func stream(_ body: (([UInt8]) throws -> Void) throws -> Void) throws {
        if let out {
            try AtomicFile.write(to: out) { writer in try body { try writer.write($0) } }
        } else {
            try body { try StandardOutput.write($0) }
        }
    }
}

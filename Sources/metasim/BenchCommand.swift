import ArgumentParser
import Diagnostics
import Foundation
import MetaSimBenchmarks

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run the benchmarks (build with -c release for meaningful figures).",
        discussion: """
        Prints one JSON object per figure and line: {"name": ..., "unit": ..., "value": ...}.
        Figures compared to a reference (for example BLAS) measure the reference in the same run.

        Example: metasim bench --json --filter render
        """)

    @Flag(help: "Print JSON Lines (the only format; accepted for clarity in scripts).")
    var json = false

    @Option(help: "Run only the benchmarks with a figure whose name starts with FILTER (see --list).")
    var filter: String = ""

    @Flag(help: "List the figures' names without running anything.")
    var list = false

    @Flag(help: "Run each measured body once after one warm-up call: the same work every run, for instruction counts under callgrind (Benchmarks/callgrind.sh); times are rough.")
    var singleCall = false

    func run() throws {
        let selected = allBenchmarks.filter { $0.matches(filter) }
        if selected.isEmpty {
            throw InputError(file: "--filter", message: "no benchmark figure's name starts with '\(filter)'; `metasim bench --list` lists them")
        }
        if list {
            for name in selected.flatMap(\.names) where name.hasPrefix(filter) { print(name) }
            return
        }
        BenchTiming.singleCall = singleCall
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for benchmark in selected {
            for result in try benchmark.run() where result.name.hasPrefix(filter) {
                print(String(decoding: try encoder.encode(result), as: UTF8.self))
                fflush(stdout)
            }
        }
    }
}

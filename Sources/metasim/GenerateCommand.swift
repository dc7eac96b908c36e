import ArgumentParser
import Datasets
import Diagnostics
import Foundation
import MetaSim

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a dataset from a trained run's learned generator.",
        discussion: """
        Loads RUN/transformer.{safetensors,json} (or --checkpoint; a run that did not complete is \
        refused without it, and so are non-finite weights) and the grammar it was trained on (or --grammar, \
        which must encode the same way), samples COUNT scenes from SEED, applies the learned \
        transformer and renders them. --prior skips the transformer (the prior grammar's data, for \
        comparison). Formats, output folder rules (--overwrite, --resume: also refused when the \
        interrupted run had other weights or --prior), the manifest and sharding \
        (--shard/--num-shards, Slurm and Kubernetes environment; `metasim merge`) and an external \
        engine (--renderer EXPERIMENT, --workers N) as for `metasim render`.

        Example: metasim generate --run demo-run --count 10000 --seed 2 --out learned --format webdataset
        """)

    @Option(name: .customLong("run"), help: ArgumentHelp("A folder written by `metasim train`.", valueName: "run")) var runFolder: String
    @Option(help: "Grammar file to use instead of the one recorded in the run.") var grammar: String?
    @Option(help: "A checkpoint of the run to use (e.g. checkpoints/epoch-003): needed for a run that did not complete.") var checkpoint: String?
    @Flag(help: "Skip the learned transformer: data of the prior grammar.") var prior = false
    @OptionGroup var output: DatasetOutputOptions
    @OptionGroup var external: ExternalRendererOptions

    func run() throws {
        let shard = try output.resolveShard()
        let run = RunFolder(existing: runFolder)
        var generator: Generator
        do {
            generator = try Generator(run: run, grammarOverride: grammar, checkpoint: checkpoint)
        } catch {
            throw grammar == nil ? GenerateCommand.recordedGrammarError(error, run: run) : error
        }
        if let renderer = try external.renderer(for: generator.grammar) { generator = generator.rendering(with: renderer) }
        var inputs = generator.inputFiles
        if prior { inputs["weights"] = nil }
        inputs["renderer"] = external.experimentFile
        let provenance = try DatasetProvenance.of(generator: prior ? "generate --prior" : "generate", seed: output.seed, files: inputs)
        try output.write(generator, learned: !prior, provenance: provenance, shard: shard,
                         what: prior ? "prior images" : "learned images")
    }

    /// An error about the grammar a run recorded (its path comes from RUN/transformer.json, not
    /// from the user) said as such, with the way out (--grammar). Problems inside that file are
    /// counted, not quoted: the path may name any file, whose lines are not ours to print.
    static func recordedGrammarError(_ error: Error, run: RunFolder) -> Error {
        let stateFile = run.latest + ".json"
        guard let data = FileManager.default.contents(atPath: stateFile),
              let recorded = (try? JSONDecoder().decode(CheckpointState.self, from: data))?.grammar else { return error }
        let problems = (error as? InputErrors)?.errors ?? [(error as? InputError)].compactMap { $0 }
        guard !problems.isEmpty, problems.allSatisfy({ $0.file == recorded }) else { return error }
        let whole = problems.count == 1 && problems[0].path.isEmpty && problems[0].line == nil
        let what = whole ? problems[0].message
            : "not a valid grammar (\(problems.count) problem(s); `metasim validate \(recorded)` lists them)"
        return InputError(file: stateFile, path: "grammar",
                          message: "the grammar this run was trained on, \(recorded): \(what); pass --grammar FILE to use another copy")
    }
}

import ArgumentParser
import Datasets
import Foundation
import MetaSim

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a dataset from a trained run's learned generator.",
        discussion: """
        Loads RUN/transformer.{safetensors,json} and the grammar it was trained on (or --grammar, \
        which must encode the same way), samples COUNT scenes from SEED, applies the learned \
        transformer and renders them. --prior skips the transformer (the prior grammar's data, for \
        comparison). Formats, output folder rules (--overwrite) and the manifest as for \
        `metasim render`.
        """)

    @Option(name: .customLong("run"), help: "A folder written by `metasim train`.") var runFolder: String
    @Option(parsing: .unconditional, help: "Number of images (at least 1).") var count: Int
    @Option(parsing: .unconditional, help: "Random seed (0 ... 2^64-1).") var seed: UInt64 = 0
    @Option(help: "Output folder: new or empty (see --overwrite).") var out: String
    @Option(help: "imagefolder, coco, jsonl or webdataset.") var format: DatasetFormat = .imagefolder
    @Option(help: "Grammar file to use instead of the one recorded in the run.") var grammar: String?
    @Option(help: "Also write a contact sheet of the first 64 images to this PNG.") var grid: String?
    @Flag(help: "Skip the learned transformer: data of the prior grammar.") var prior = false
    @Flag(help: "Replace the dataset already in --out (only once the new one is complete).") var overwrite = false
    @Flag(help: "No progress bars.") var quiet = false

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1") }
    }

    func run() throws {
        let generator = try Generator(run: RunFolder(existing: runFolder), grammarOverride: grammar)
        let written = try generator.writeDataset(count: count, seed: seed, learned: !prior, directory: out,
                                                 format: format, grid: grid, overwrite: overwrite, quiet: quiet)
        print("wrote \(written) \(prior ? "prior" : "learned") images to \(out) (\(format.rawValue))")
    }
}

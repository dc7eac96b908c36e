import ArgumentParser
import Datasets
import Grammar
import MetaSim
import Render

extension DatasetFormat: ExpressibleByArgument {}

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Sample scenes from a grammar, render them and write a labelled dataset.",
        discussion: """
        Formats: imagefolder (one folder per class, PNG), coco (images/ + annotations.json with RLE \
        masks), jsonl (images/ + dataset.jsonl: path, scene graph, ground truth), webdataset (tar \
        shards of PNG + JSON). Sample i depends only on the grammar, the seed and i. The dataset's \
        manifest, metasim-dataset.json (counts, files, SHA-256 of every file), is written last; the \
        dataset is written beside OUT and renamed into place when complete, so OUT never holds a \
        partial or mixed dataset. A non-empty OUT is refused (exit 2) unless --overwrite is given \
        and OUT holds a dataset. Check a dataset with `metasim verify OUT`.

        Example: metasim render --grammar examples/grammars/mnist.yaml --count 1000 --seed 1 --out digits --format coco
        """)

    @Option(help: "The grammar file.") var grammar: String
    @Option(parsing: .unconditional, help: "Number of images (at least 1).") var count: Int
    @Option(parsing: .unconditional, help: "Random seed (0 ... 2^64-1).") var seed: UInt64 = 0
    @Option(help: "Output folder: new or empty (see --overwrite).") var out: String
    @Option(help: "imagefolder, coco, jsonl or webdataset.") var format: DatasetFormat = .imagefolder
    @Option(help: "Also write a contact sheet of the first 64 images to this PNG.") var grid: String?
    @Flag(help: "Replace the dataset already in --out (only once the new one is complete).") var overwrite = false
    @Flag(help: "No progress bars.") var quiet = false

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1") }
    }

    func run() throws {
        let g = try Grammar.load(path: grammar)
        let assets = g.assetRegistry()
        let renderer = try g.makeRenderer(assets: assets)
        let written = try Generator(grammar: g, assets: assets, transformer: nil, renderer: renderer)
            .writeDataset(count: count, seed: seed, learned: false, directory: out, format: format, grid: grid, overwrite: overwrite, quiet: quiet)
        print("wrote \(written) images to \(out) (\(format.rawValue))")
    }
}

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
        shards of PNG + JSON), kitti (image_2/, label_2/ with the 15 KITTI label fields, calib/ for 3D \
        scenes). Sample i depends only on the grammar, the seed and i. The dataset's \
        manifest, metasim-dataset.json (counts, files, SHA-256 of every file), is written last; the \
        dataset is written beside OUT and renamed into place when complete, so OUT never holds a \
        partial or mixed dataset. A non-empty OUT is refused (exit 2) unless --overwrite is given \
        and OUT holds a dataset. --resume continues a run into OUT that was interrupted (killed): its \
        complete samples are kept and the rest rendered, giving the bytes of an uninterrupted run; it \
        is refused (exit 2) with --overwrite, or when that run had other settings (grammar, seed, \
        count, format, shard), naming them. Check a dataset with `metasim verify OUT`.

        Sharding: --shard I --num-shards N (or a Slurm array task's / Kubernetes Indexed Job's \
        environment, see below) writes only shard I: a complete dataset of the global sample \
        indices I*COUNT/N... (contiguous, balanced; empty when N > COUNT) named by global index, \
        its manifest recording the shard and range. `metasim merge` joins the N shard folders \
        into the dataset a single process writes, byte for byte. Index: --shard, else \
        SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN, else JOB_COMPLETION_INDEX; count: \
        --num-shards, else SLURM_ARRAY_TASK_COUNT. Inconsistent values exit 2.

        External engine: --renderer EXPERIMENT draws with the `renderer:` section of an experiment \
        file (a program speaking Sources/Render/BRIDGE.md, e.g. bridges/blender/metasim-blender) \
        instead of the grammar's built-in renderer; --workers N runs N copies at once.

        Example: metasim render --grammar examples/grammars/mnist.yaml --count 1000 --seed 1 --out digits --format coco
        """)

    @Option(help: "The grammar file.") var grammar: String
    @OptionGroup var output: DatasetOutputOptions
    @OptionGroup var external: ExternalRendererOptions

    func run() throws {
        let shard = try output.resolveShard()
        let g = try Grammar.load(path: grammar)
        let assets = g.assetRegistry()
        let renderer = try external.renderer(for: g) ?? g.makeRenderer(assets: assets)
        let generator = Generator(grammar: g, assets: assets, transformer: nil, renderer: renderer)
        var files = ["grammar": grammar]
        files["renderer"] = external.experimentFile
        let provenance = try DatasetProvenance.of(generator: "render", seed: output.seed, files: files)
        try output.write(generator, learned: false,
                         provenance: provenance, shard: shard, what: "images")
    }
}

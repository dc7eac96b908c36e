import ArgumentParser
import Datasets
import MetaSim

/// The options `render` and `generate` share — how many samples from which seed, where and in
/// which format the dataset goes, and which shard of it this process writes — and the writing
/// itself, so both commands write, shard and report the same way.
struct DatasetOutputOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Number of images (at least 1).") var count: Int
    @Option(parsing: .unconditional, help: "Random seed (0 ... 2^64-1).") var seed: UInt64 = 0
    @Option(help: "Output folder: new or empty (see --overwrite).") var out: String
    @Option(help: "imagefolder, coco, jsonl, webdataset or kitti.") var format: DatasetFormat = .imagefolder
    @Option(help: "Also write a contact sheet of the first 64 images to this PNG.") var grid: String?
    @Flag(help: "Replace the dataset already in --out (only once the new one is complete).") var overwrite = false
    @Flag(help: "Continue the run into --out that was interrupted (killed), with the same settings, keeping its complete samples.")
    var resume = false
    @Flag(help: "No progress bars.") var quiet = false
    @OptionGroup var sharding: ShardOptions

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1") }
        guard !(resume && overwrite) else {
            throw ValidationError("--resume and --overwrite cannot be combined: --resume continues the run that was interrupted into --out, --overwrite replaces a complete dataset there")
        }
    }

    /// The shard this process writes (nil: the whole dataset); see `ShardOptions.resolve`.
    /// Resolved before any other work, so bad shard settings fail first.
    func resolveShard() throws -> DatasetShard? {
        try sharding.resolve(total: count)
    }

    /// Writes this process's samples (`shard`'s range, or all `count`) with `generator` and
    /// prints one summary line naming `what` was written ("images", "learned images", …).
    func write(_ generator: Generator, learned: Bool, provenance: DatasetProvenance, shard: DatasetShard?,
               what: String) throws {
        let written = try generator.writeDataset(count: shard?.samples ?? count, seed: seed, start: shard?.start ?? 0,
                                                 learned: learned, directory: out, format: format, grid: grid,
                                                 overwrite: overwrite, resume: resume, quiet: quiet, provenance: provenance, shard: shard)
        print("wrote \(written) \(what) to \(out) (\(format.rawValue)\(ShardOptions.describe(shard)))")
    }
}

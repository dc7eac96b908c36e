import ArgumentParser
import Datasets

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the shards of a sharded render/generate run into one dataset.",
        discussion: """
        Takes the N shard folders written with --shard 0..N-1 --num-shards N (any order) and writes \
        the dataset a single process writes with the same command, seed and count, byte for byte: \
        images and labels by global index, COCO annotation ids renumbered in order, JSON Lines \
        concatenated, ImageFolder merged, WebDataset tars listed in order (a tar cut by a shard \
        boundary joined). Each shard is verified against its manifest first; an incomplete or \
        mismatched set (a missing or repeated shard, different seed, grammar, weights, format, \
        count or shard count, overlapping ranges) is refused with every problem listed (exit 2) \
        and nothing is written. Output folder rules (--overwrite) as for `metasim render`.
        """)

    @Argument(help: "The shard folders.") var shards: [String]
    @Option(help: "Output folder: new or empty (see --overwrite).") var out: String
    @Flag(help: "Replace the dataset already in --out (only once the merged one is complete).") var overwrite = false

    func validate() throws {
        guard !shards.isEmpty else { throw ValidationError("give at least one shard folder") }
    }

    func run() throws {
        let set = try ShardSet.check(shards)
        let output = try DatasetOutputFolder(destination: out, overwrite: overwrite)
        let manifest = try output.write { staging in try DatasetMerger.merge(set, into: staging) }
        print("merged \(set.members.count) shards into \(out): \(manifest.format.rawValue), \(manifest.count) samples")
    }
}

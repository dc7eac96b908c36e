import Diagnostics

/// One shard of a dataset generated in pieces: shard `index` of `count` holds the samples with
/// global indices `start..<end` of a dataset of `total` samples. Recorded in the shard's
/// manifest (`DatasetManifest.shard`); `metasim merge` checks a set of shards against it.
///
/// Ranges are contiguous and balanced (`range(index:of:total:)`): the first `total % count`
/// shards hold one sample more than the others. When `count > total` the last shards are
/// empty (`start == end`): still complete datasets, with 0 samples, so a job array may always
/// run every task.
public struct DatasetShard: Codable, Equatable, Sendable {
    /// This shard's number, `0..<count`.
    public var index: Int
    /// How many shards the dataset was cut into (≥ 1).
    public var count: Int
    /// Global index of this shard's first sample.
    public var start: Int
    /// Global index one past this shard's last sample (`start` when the shard is empty).
    public var end: Int
    /// Samples in the whole dataset (all shards together).
    public var total: Int

    /// Shard `index` of `count` of a dataset of `total` samples, with its range from
    /// `range(index:of:total:)`. Preconditions: `count ≥ 1`, `0 ≤ index < count`, `total ≥ 0`.
    public init(index: Int, count: Int, total: Int) {
        let range = DatasetShard.range(index: index, of: count, total: total)
        self.index = index
        self.count = count
        self.start = range.lowerBound
        self.end = range.upperBound
        self.total = total
    }

    /// Samples in this shard.
    public var samples: Int { end - start }

    /// The global sample indices of shard `index` of `count` over `total` samples: contiguous,
    /// in order, covering `0..<total` exactly once over all shards; sizes differ by at most
    /// one (`total / count` each, plus one for the first `total % count`). No overflow for any
    /// `total ≤ Int.max`. Preconditions: `count ≥ 1`, `0 ≤ index < count`, `total ≥ 0`.
    public static func range(index: Int, of count: Int, total: Int) -> Range<Int> {
        precondition(count >= 1 && index >= 0 && index < count && total >= 0, "bad shard \(index) of \(count) over \(total)")
        let (quotient, remainder) = total.quotientAndRemainder(dividingBy: count)
        let start = index * quotient + min(index, remainder)
        return start ..< start + quotient + (index < remainder ? 1 : 0)
    }
}

/// What a dataset was generated from, recorded in its manifest so that shards of different
/// runs are never merged: the command, the seed and the SHA-256 of each input file (grammar,
/// learned weights) — digests, not paths, so shards written on different machines compare
/// equal. A single-process run records the same provenance as its shards, so a merged dataset's
/// manifest equals the single run's.
public struct DatasetProvenance: Codable, Equatable, Sendable {
    /// `render`, `generate` (learned transformer) or `generate --prior`.
    public var generator: String
    /// The sampling seed.
    public var seed: UInt64
    /// Input name (`grammar`, `weights`) → SHA-256 of that file, 64 lower-case hex digits.
    public var inputs: [String: String]

    public init(generator: String, seed: UInt64, inputs: [String: String]) {
        self.generator = generator
        self.seed = seed
        self.inputs = inputs
    }

    /// Provenance with the SHA-256 of each named file (`name → path`). Throws an `InputError`
    /// naming a file that cannot be read.
    public static func of(generator: String, seed: UInt64, files: [String: String]) throws -> DatasetProvenance {
        var inputs: [String: String] = [:]
        for (name, path) in files { inputs[name] = try DatasetChecksums.sha256(ofFile: path) }
        return DatasetProvenance(generator: generator, seed: seed, inputs: inputs)
    }
}

/// Where a writer's samples sit in the dataset they belong to, and what its manifest records
/// about their origin. The default is a whole, unsharded dataset without provenance.
public struct DatasetOrigin: Equatable, Sendable {
    /// Global index of the first sample appended: file names (`NNNNNN.png`), COCO image ids
    /// (index + 1), WebDataset keys and shard tar numbers count from it.
    public var firstIndex: Int
    /// Recorded in the manifest when given.
    public var provenance: DatasetProvenance?
    /// Recorded in the manifest when given (its `start` should equal `firstIndex`).
    public var shard: DatasetShard?

    public init(firstIndex: Int = 0, provenance: DatasetProvenance? = nil, shard: DatasetShard? = nil) {
        self.firstIndex = firstIndex
        self.provenance = provenance
        self.shard = shard
    }
}

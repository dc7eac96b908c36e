import ArgumentParser
import Datasets
import Diagnostics
import Foundation

/// `--shard I --num-shards N` of `render` and `generate`: which contiguous slice of the sample
/// indices this process writes (`DatasetShard.range`), also taken from the environment of a
/// Slurm job array task or a Kubernetes Indexed Job pod.
struct ShardOptions: ParsableArguments {
    @Option(parsing: .unconditional,
            help: "Write only shard I (0 ... N-1) of the dataset (default: $SLURM_ARRAY_TASK_ID, else $JOB_COMPLETION_INDEX).")
    var shard: Int?

    @Option(name: .customLong("num-shards"), parsing: .unconditional,
            help: "Number of shards N (default: $SLURM_ARRAY_TASK_COUNT).")
    var numShards: Int?

    /// Where the environment's values come from in errors.
    static let environmentFile = "environment"

    /// The shard this process writes, or nil for a whole dataset (no flag, no variable).
    ///
    /// The index is `--shard`, else `SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN` (a Slurm
    /// array must be contiguous: `--array=0-3`, or `1-4`), else `JOB_COMPLETION_INDEX`
    /// (Kubernetes Indexed Job). The count is `--num-shards`, else `SLURM_ARRAY_TASK_COUNT`.
    /// Explicit flags win; variables are read only when their flag is absent.
    ///
    /// Throws an `InputError` (exit 2) when: a variable in use is not a whole number; both
    /// Slurm's and Kubernetes' index are set and differ; an index has no count (Kubernetes
    /// gives none: pass `--num-shards`) or a count no index; N < 1 or I outside 0 ... N-1; a
    /// Slurm index is combined with a `--num-shards` other than the array's size, or the array
    /// is not contiguous.
    func resolve(total: Int, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DatasetShard? {
        func number(_ name: String) throws -> Int? {
            guard let text = environment[name] else { return nil }
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw InputError(file: ShardOptions.environmentFile, path: name, message: "'\(text)' is not a whole number")
            }
            return value
        }
        var index = shard
        var indexSource = "--shard"
        var slurmIndex = false
        if index == nil {
            let slurm = try number("SLURM_ARRAY_TASK_ID").map { try $0 - (number("SLURM_ARRAY_TASK_MIN") ?? 0) }
            let kubernetes = try number("JOB_COMPLETION_INDEX")
            if let slurm, let kubernetes, slurm != kubernetes {
                throw InputError(file: ShardOptions.environmentFile, path: "SLURM_ARRAY_TASK_ID",
                                 message: "Slurm's array index (\(slurm)) and Kubernetes' JOB_COMPLETION_INDEX (\(kubernetes)) disagree; pass --shard")
            }
            if let slurm {
                index = slurm
                indexSource = "SLURM_ARRAY_TASK_ID"
                slurmIndex = true
            } else if let kubernetes {
                index = kubernetes
                indexSource = "JOB_COMPLETION_INDEX"
            }
        }
        var count = numShards
        var countSource = "--num-shards"
        if slurmIndex, let arrayCount = try number("SLURM_ARRAY_TASK_COUNT") {
            if let count, count != arrayCount {
                throw InputError(file: "--num-shards", message: "\(count) differs from this Slurm array's \(arrayCount) tasks (SLURM_ARRAY_TASK_COUNT): the shards would not cover the dataset")
            }
            if let low = try number("SLURM_ARRAY_TASK_MIN"), let high = try number("SLURM_ARRAY_TASK_MAX"), high - low + 1 != arrayCount {
                throw InputError(file: ShardOptions.environmentFile, path: "SLURM_ARRAY_TASK_COUNT",
                                 message: "the array \(low)-\(high) has \(arrayCount) tasks: not contiguous; submit with --array=0-\(arrayCount - 1)")
            }
            if count == nil {
                count = arrayCount
                countSource = "SLURM_ARRAY_TASK_COUNT"
            }
        }
        switch (index, count) {
        case (nil, nil):
            return nil
        case (nil, let count?):
            throw InputError(file: "--num-shards", message: "\(count) shards but no shard index: pass --shard I (or run as a Slurm array task / Kubernetes Indexed Job)")
        case (let index?, nil):
            throw InputError(file: indexSource, message: "shard \(index) but no shard count: pass --num-shards N")
        case (let index?, let count?):
            guard count >= 1 else { throw InputError(file: countSource, message: "the number of shards must be at least 1, got \(count)") }
            guard index >= 0, index < count else {
                throw InputError(file: indexSource, message: "shard \(index) is outside 0...\(count - 1) (\(count) shards from \(countSource))")
            }
            return DatasetShard(index: index, count: count, total: total)
        }
    }

    /// `, shard I of N: samples A..<B` for the summary line; empty for a whole dataset.
    static func describe(_ shard: DatasetShard?) -> String {
        guard let shard else { return "" }
        return ", shard \(shard.index) of \(shard.count): samples \(shard.start)..<\(shard.end)"
    }
}

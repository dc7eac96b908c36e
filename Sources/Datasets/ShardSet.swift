import Diagnostics
import Foundation

/// A complete, consistent set of dataset shards, checked before merging (`metasim merge`).
public struct ShardSet: Sendable {
    /// One shard: its folder and manifest.
    public struct Member: Sendable {
        public var directory: String
        public var manifest: DatasetManifest
        public var shard: DatasetShard { manifest.shard! }
    }

    /// The shards in shard-index order (0, 1, …, count − 1).
    public let members: [Member]

    public var format: DatasetFormat { members[0].manifest.format }
    public var provenance: DatasetProvenance? { members[0].manifest.provenance }
    /// Samples in the whole dataset.
    public var total: Int { members[0].shard.total }

    /// Reads and checks the shards in `directories` (any order). Each must pass
    /// `DatasetVerifier.verify` (files match its manifest) and be a shard (its manifest has
    /// `shard`); together they must be exactly shards `0..<N` of one run: the same shard count
    /// N, total, format and provenance (command, seed, input digests), each index once, each
    /// with the range `DatasetShard.range` gives and as many samples.
    ///
    /// Throws the verifier's errors for a damaged shard, otherwise `InputErrors` listing every
    /// mismatch, each naming the manifest at fault and the field (`shard.index`, `format`, …).
    public static func check(_ directories: [String]) throws -> ShardSet {
        guard !directories.isEmpty else { throw InputError(file: "merge", message: "no shard folders given") }
        var members: [Member] = []
        for directory in directories {
            let report = try DatasetVerifier.verify(directory: directory)
            guard report.manifest.shard != nil else {
                throw InputError(file: manifestPath(directory), path: "shard",
                                 message: "not a shard: written without --shard/--num-shards (or already merged)")
            }
            members.append(Member(directory: directory, manifest: report.manifest))
        }
        var problems: [InputError] = []
        let first = members[0]
        var byIndex: [Int: Member] = [:]
        for member in members {
            let path = manifestPath(member.directory), shard = member.shard, manifest = member.manifest
            func differs(_ field: String, _ mine: String, _ theirs: String) {
                problems.append(InputError(file: path, path: field, message: "\(mine) differs from \(first.directory)'s \(theirs): shards of different runs"))
            }
            if manifest.format != first.manifest.format { differs("format", manifest.format.rawValue, first.manifest.format.rawValue) }
            if manifest.provenance == nil {
                problems.append(InputError(file: path, path: "provenance", message: "missing: cannot tell which run wrote this shard"))
            } else if manifest.provenance != first.manifest.provenance {
                differs("provenance", describe(manifest.provenance), describe(first.manifest.provenance))
            }
            if shard.count != first.shard.count { differs("shard.count", "\(shard.count) shards", "\(first.shard.count)") }
            if shard.total != first.shard.total { differs("shard.total", "\(shard.total) samples", "\(first.shard.total)") }
            guard shard.count >= 1, shard.index >= 0, shard.index < shard.count, shard.total >= 0 else {
                problems.append(InputError(file: path, path: "shard", message: "shard \(shard.index) of \(shard.count) over \(shard.total) samples is impossible"))
                continue
            }
            let expected = DatasetShard.range(index: shard.index, of: shard.count, total: shard.total)
            if shard.start != expected.lowerBound || shard.end != expected.upperBound {
                problems.append(InputError(file: path, path: "shard.start", message: "holds samples \(shard.start)..<\(shard.end) but shard \(shard.index) of \(shard.count) over \(shard.total) samples is \(expected.lowerBound)..<\(expected.upperBound) (overlapping or mis-cut ranges)"))
            } else if manifest.count != shard.samples {
                problems.append(InputError(file: path, path: "count", message: "\(manifest.count) samples but its range \(shard.start)..<\(shard.end) has \(shard.samples)"))
            }
            if let other = byIndex[shard.index] {
                problems.append(InputError(file: path, path: "shard.index", message: "shard \(shard.index) is also \(other.directory) (a shard given twice, or overlapping ranges)"))
            } else {
                byIndex[shard.index] = member
            }
        }
        let count = first.shard.count
        if problems.isEmpty {
            let missing = (0..<count).filter { byIndex[$0] == nil }
            if !missing.isEmpty {
                let listed = missing.prefix(20).map(String.init).joined(separator: ", ") + (missing.count > 20 ? ", …" : "")
                problems.append(InputError(file: manifestPath(first.directory), path: "shard.count",
                                           message: "the run has \(count) shards but \(missing.count) are missing from the folders given: \(listed)"))
            }
        }
        guard problems.isEmpty else { throw InputErrors(problems) }
        return ShardSet(members: (0..<count).map { byIndex[$0]! })
    }

    static func manifestPath(_ directory: String) -> String { directory + "/" + DatasetManifest.fileName }

    static func describe(_ provenance: DatasetProvenance?) -> String {
        guard let p = provenance else { return "(none)" }
        let inputs = p.inputs.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.prefix(12))…" }.joined(separator: ", ")
        return "\(p.generator) seed \(p.seed) [\(inputs)]"
    }
}

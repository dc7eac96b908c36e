import Diagnostics
import Foundation
import Grammar

extension Generator {
    /// The learned generator of a training run: its latest checkpoint — or `checkpoint`, a
    /// checkpoint base path (`RUN/checkpoints/epoch-003`, absolute or relative to the run
    /// folder; `.json` or `.safetensors` may be given) — and the grammar it was trained on (or
    /// `grammarOverride`).
    ///
    /// Throws `InputError` naming the file when: the checkpoint is missing, malformed, out of
    /// bounds or holds non-finite weights (see `TrainingCheckpoint.load`); no `checkpoint` is
    /// named and the run did not complete (it failed or was stopped: resume it, or name a
    /// checkpoint explicitly); the grammar encodes differently from the one the checkpoint was
    /// trained on.
    public init(run: RunFolder, grammarOverride: String? = nil, checkpoint: String? = nil) throws {
        let base = checkpoint.map { Self.checkpointBase($0, in: run) } ?? run.latest
        let saved = try TrainingCheckpoint.load(from: base)
        let state = saved.state
        if checkpoint == nil, !run.isComplete {
            let reached = state.stage == "matching" ? "matching epoch \(state.epoch)" : "stage 1 (\(state.stage))"
            throw InputError(file: base + ".json", path: "complete",
                             message: "this run did not complete (it stopped after \(reached)): finish it with `metasim train --resume --out \(run.path)`, or name a checkpoint with --checkpoint (e.g. transformer or checkpoints/epoch-001) to use it anyway")
        }
        let transformer = try saved.transformer(source: base + ".safetensors")
        let grammarPath = grammarOverride ?? state.grammar
        let grammar = try Grammar.load(path: grammarPath)
        guard grammar.schema == state.schema else {
            throw InputError(file: grammarPath, message: "this grammar encodes scenes differently from the one the checkpoint in \(run.path) was trained on (\(state.grammar)): classes or encoded attributes differ")
        }
        let assets = grammar.assetRegistry()
        self.init(grammar: grammar, assets: assets, transformer: transformer, renderer: try grammar.makeRenderer(assets: assets))
        inputFiles = ["grammar": grammarPath, "weights": base + ".safetensors"]
    }

    /// `name` as a checkpoint base path: extension dropped, relative paths that exist under the
    /// run folder taken from there.
    static func checkpointBase(_ name: String, in run: RunFolder) -> String {
        var base = name
        for ext in [".json", ".safetensors"] where base.hasSuffix(ext) { base = String(base.dropLast(ext.count)) }
        if !base.hasPrefix("/"), FileManager.default.fileExists(atPath: run.file(base) + ".json") { return run.file(base) }
        return base
    }
}

import Foundation
import MetaSim

/// What `train` and `demo` say on standard error about the run folder before training: where a
/// replaced run was moved, and where a resumed run continues.
enum RunFolderNotes {
    static func announce(_ folder: RunFolderStart, out: String, resuming: Bool) {
        var lines: [String] = []
        if let aside = folder.aside { lines.append("note: the previous run in \(out) is kept in \(aside) until this one completes") }
        if let state = folder.checkpoint?.state {
            let after = state.stage == "matching" ? "matching epoch \(state.epoch)" : state.stage
            lines.append("resuming after \(after) (step \(state.step), \(state.metricsRecords ?? 0) metrics records kept)")
        } else if resuming {
            lines.append("no complete checkpoint in \(out) yet: starting the run again from the beginning")
        }
        for line in lines { FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }
}

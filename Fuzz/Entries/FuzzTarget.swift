import Foundation

/// The fuzzed input formats, each with the function that feeds it one input. A function returns
/// normally whether the input was accepted or rejected with an error; only a crash (trap, sanitizer
/// report) is a bug. `Fuzz/corpus/<name>/` holds each target's corpus.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case grammar, png, jpeg, idx, safetensors
    case bridgeReply = "bridge-reply"

    /// Feeds `data` to this target's entry function; true when it was accepted, false when
    /// rejected with an error.
    @discardableResult
    public func run(_ data: Data) -> Bool {
        switch self {
        case .grammar: FuzzEntries.grammar(data)
        case .png: FuzzEntries.png(data)
        case .jpeg: FuzzEntries.jpeg(data)
        case .idx: FuzzEntries.idx(data)
        case .safetensors: FuzzEntries.safetensors(data)
        case .bridgeReply: FuzzEntries.bridgeReply(data)
        }
    }
}

/// One entry function per target (one file each). Each returns whether the input was accepted,
/// so tests can tell a seed that parses from one that is rejected.
public enum FuzzEntries {}

/// Runs `body`, treating any thrown error as a rejected input.
func accepted(_ body: () throws -> Void) -> Bool {
    do { try body(); return true } catch { return false }
}

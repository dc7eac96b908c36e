import Foundation

/// The one way MetaSim splits a loop over threads: `0..<count` is cut into at most
/// `maxChunks` contiguous ranges of at least `grain` indices, and the ranges run on
/// `DispatchQueue.concurrentPerform`. The cut depends only on `count`, `grain` and `maxChunks`
/// (never on timing), and each index must write memory no other index touches; then results
/// are the same for any number of threads.
public enum Parallelism {
    /// Default upper bound on the number of ranges: four per core, so that uneven work
    /// (images with more objects than others) still balances.
    public static var defaultMaxChunks: Int { ProcessInfo.processInfo.activeProcessorCount * 4 }
}

/// Runs `body` over contiguous ranges covering `0..<count` (see `Parallelism`), serially as one
/// range when `count < 2 * grain`. Nothing runs when `count` ≤ 0.
@inlinable
public func parallelChunks(_ count: Int, grain: Int = 1, maxChunks: Int = Parallelism.defaultMaxChunks,
                           _ body: (Range<Int>) -> Void) {
    guard count > 0 else { return }
    let pieces = max(1, min(maxChunks, count / max(1, grain)))
    if pieces == 1 { body(0..<count); return }
    DispatchQueue.concurrentPerform(iterations: pieces) { p in
        body((count * p / pieces)..<(count * (p + 1) / pieces))
    }
}

/// `body(i)` for `i` in `0..<count`, split as `parallelChunks` does. `work` is a rough count of
/// elements the whole loop touches: under 16,384 it runs serially (thread dispatch costs more
/// than it saves).
@inlinable
public func parallelFor(_ count: Int, work: Int = .max, _ body: (Int) -> Void) {
    if count <= 1 || work < 16_384 {
        for i in 0..<max(0, count) { body(i) }
        return
    }
    parallelChunks(count) { range in for i in range { body(i) } }
}

/// `[body(0), …, body(count − 1)]`, computed as `parallelChunks` splits them. When several
/// calls throw, the error of the lowest index is rethrown, so which error a caller sees does
/// not depend on thread timing.
public func parallelMap<R>(_ count: Int, grain: Int = 1, _ body: (Int) throws -> R) throws -> [R] {
    try parallelMap(count, grain: grain, state: {}) { _, i in try body(i) }
}

/// `parallelMap` with working state: each range gets one `makeState()`, which `body` gets for
/// every index of the range in turn (scratch buffers reused from one index to the next). A
/// result must not depend on what earlier indices left in the state: which indices share a
/// state depends on the number of cores.
public func parallelMap<S, R>(_ count: Int, grain: Int = 1, state makeState: () -> S,
                              _ body: (inout S, Int) throws -> R) throws -> [R] {
    guard count > 0 else { return [] }
    let results = UnsafeMutablePointer<Result<R, Error>?>.allocate(capacity: count)
    results.initialize(repeating: nil, count: count)
    defer { results.deinitialize(count: count); results.deallocate() }
    withoutActuallyEscaping(makeState) { makeState in
    withoutActuallyEscaping(body) { body in
        parallelChunks(count, grain: grain) { range in
            var state = makeState()
            for i in range { results[i] = Result { try body(&state, i) } }
        }
    }}
    var out: [R] = []
    out.reserveCapacity(count)
    for i in 0..<count { out.append(try results[i]!.get()) }
    return out
}

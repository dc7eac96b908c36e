import Foundation

/// Runs `body(i)` for `i` in `0..<count`, in parallel when the work is large enough.
///
/// Each index must write to memory no other index touches; then results do not depend on the
/// number of threads. `grain` is a rough element count per index: small jobs run serially to
/// avoid dispatch overhead.
@inline(__always)
public func parallelFor(_ count: Int, work: Int = .max, _ body: (Int) -> Void) {
    if count <= 1 || work < 16_384 {
        for i in 0..<count { body(i) }
    } else {
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    }
}

/// Splits `0..<count` into at most `chunks` contiguous ranges and runs them in parallel
/// (serially when `count` is small). Ranges depend only on `count` and `chunks`.
public func parallelChunks(_ count: Int, chunks: Int = ProcessInfo.processInfo.activeProcessorCount * 2,
                           minPerChunk: Int = 16_384, _ body: (Range<Int>) -> Void) {
    let pieces = max(1, min(chunks, count / max(1, minPerChunk)))
    if pieces <= 1 { body(0..<count); return }
    DispatchQueue.concurrentPerform(iterations: pieces) { p in
        let lo = count * p / pieces, hi = count * (p + 1) / pieces
        body(lo..<hi)
    }
}

import Foundation

/// Prepares items `0..<count` in parallel and commits them in index order on the calling thread
/// as they become ready, so that the serial part (file writes, in order) overlaps the parallel
/// one: a run takes about the longer of the two, not their sum. `prepare` runs on a thread of
/// its own and the pool (`parallelChunks`; not on the calling thread, which may itself be a
/// pool worker); it must not touch what `commit` changes. At the first item whose `prepare` or
/// `commit` throws, stops and rethrows that error: the items before it are committed, none
/// after it (preparing stops soon after; nothing prepared later is committed). Every prepared
/// item not yet committed is held in memory: callers bound `count` (a batch, a chunk).
public func parallelPrepareInOrder<Prepared>(_ count: Int, prepare: (Int) throws -> Prepared,
                                             commit: (Prepared) throws -> Void) throws {
    guard count > 1 else {
        for i in 0..<count { try commit(try prepare(i)) }
        return
    }
    let slots = PreparedSlots<Prepared>(count: count)
    try withoutActuallyEscaping(prepare) { prepare in
        let preparing = PreparingThread {
            parallelChunks(count) { range in
                for i in range where !slots.isStopped { slots.put(i, Result { try prepare(i) }) }
            }
        }
        preparing.start()
        defer {
            slots.stop()
            preparing.waitUntilFinished()     // `prepare` must not outlive this call
        }
        for i in 0..<count { try commit(try slots.take(i).get()) }
    }
}

/// The prepared items of one `parallelPrepareInOrder`, handed from the preparing threads to the
/// committing one: `put` stores item `i`'s result, `take(i)` waits for it and removes it.
private final class PreparedSlots<Prepared>: @unchecked Sendable {
    private let condition = NSCondition()
    private var results: [Result<Prepared, Error>?]
    private var stopped = false

    init(count: Int) { results = Array(repeating: nil, count: count) }

    /// True once the committing side has stopped (finished or failed): later items are not needed.
    var isStopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopped
    }

    func put(_ index: Int, _ result: Result<Prepared, Error>) {
        condition.lock()
        results[index] = result
        condition.broadcast()
        condition.unlock()
    }

    func take(_ index: Int) -> Result<Prepared, Error> {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let result = results[index] {
                results[index] = nil
                return result
            }
            condition.wait()
        }
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.unlock()
    }
}

/// Runs `body` once on a new thread; `waitUntilFinished()` blocks until it has returned and
/// been released (so that a closure it captured from `withoutActuallyEscaping` has not escaped).
private final class PreparingThread: @unchecked Sendable {
    private var body: (() -> Void)?
    private let finished = DispatchSemaphore(value: 0)

    init(_ body: @escaping () -> Void) { self.body = body }

    func start() {
        Thread { [self] in
            runBody()
            finished.signal()
        }.start()
    }

    private func runBody() {
        body?()
        body = nil
    }

    func waitUntilFinished() { finished.wait() }
}

import Foundation

/// Prepares items `0..<count` in parallel and commits them in index order on the calling thread
/// as they become ready, so that the serial part (file writes, in order) overlaps the parallel
/// one. Items are claimed for preparing in index order, one at a time, by helper threads (one
/// fewer than the cores, at least one; started from a thread of their own, since the calling
/// thread may itself be a pool worker) and by the calling thread itself whenever the item it
/// must commit next is not ready: so every core works while the calling thread would otherwise
/// wait (issue 15: with the pool preparing on every core beside the committing thread, a
/// dataset writer used two cores at about two thirds). `prepare` must not touch what `commit`
/// changes. At the first item whose `prepare` or `commit` throws, stops and rethrows that
/// error: the items before it are committed, none after it (preparing stops soon after;
/// nothing prepared later is committed). Every prepared item not yet committed is held in
/// memory: callers bound `count` (a batch, a chunk).
public func parallelPrepareInOrder<Prepared>(_ count: Int, prepare: (Int) throws -> Prepared,
                                             commit: (Prepared) throws -> Void) throws {
    guard count > 1 else {
        for i in 0..<count { try commit(try prepare(i)) }
        return
    }
    let slots = PreparedSlots<Prepared>(count: count)
    try withoutActuallyEscaping(prepare) { prepare in
        let preparing = PreparingThread {
            DispatchQueue.concurrentPerform(iterations: preparingHelpers) { _ in
                while let i = slots.claim() { slots.put(i, Result { try prepare(i) }) }
            }
        }
        preparing.start()
        defer {
            slots.stop()
            preparing.waitUntilFinished()     // `prepare` must not outlive this call
        }
        for i in 0..<count {
            while !slots.isReady(i), let j = slots.claim() { slots.put(j, Result { try prepare(j) }) }
            try commit(try slots.take(i).get())
        }
    }
}

/// Helper threads of `parallelPrepareInOrder`: one fewer than the cores, at least one (read once:
/// `activeProcessorCount` costs a system call).
private let preparingHelpers = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)

/// The prepared items of one `parallelPrepareInOrder`, handed from the preparing threads to the
/// committing one: `put` stores item `i`'s result, `take(i)` waits for it and removes it.
private final class PreparedSlots<Prepared>: @unchecked Sendable {
    private let condition = NSCondition()
    private var results: [Result<Prepared, Error>?]
    private var stopped = false
    /// The lowest item no thread has claimed yet.
    private var nextUnclaimed = 0

    init(count: Int) { results = Array(repeating: nil, count: count) }

    /// The lowest unclaimed item, now claimed by the caller (who must `put` its result); nil
    /// once every item is claimed or the committing side has stopped.
    func claim() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        guard !stopped, nextUnclaimed < results.count else { return nil }
        nextUnclaimed += 1
        return nextUnclaimed - 1
    }

    /// Whether item `index`'s result is there to `take`.
    func isReady(_ index: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return results[index] != nil
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

import Foundation
import Parallel
import Render
import Scene

/// One sample for `DatasetWriter.append(contentsOf:)`: what `append(_:graph:label:)` takes.
public struct DatasetSample {
    /// The rendered image with its ground truth.
    public var rendered: RenderedImage
    /// The scene graph it was rendered from.
    public var graph: SceneGraph
    /// Image-level label, or nil (see `DatasetWriter.append(_:graph:label:)`).
    public var label: String?

    /// Bundles one sample.
    public init(rendered: RenderedImage, graph: SceneGraph, label: String?) {
        self.rendered = rendered
        self.graph = graph
        self.label = label
    }
}

/// How every writer appends. `prepare` does the part of a sample's work that depends only on
/// the sample, its global index and state no other sample of the batch changes — PNG encoding,
/// RLE masks, the sample's JSON when its label index is already known — and may run on any
/// thread; it changes neither the writer's state nor the disk. `commit` does the rest in append
/// order: class map, ids, and every file write. (Files are created in order on purpose: on this
/// project's ext4 disk, creating files from two threads at once was slower than from one —
/// Benchmarks/README.md.) A writer's `append` and `append(contentsOf:)` both go through `run`,
/// so both give the same bytes.
///
/// The two overlap (issue 15): while the calling thread commits sample `i` (file system calls),
/// the others are still being prepared on all cores, so a batch takes about the longer of
/// the two, not their sum.
enum OrderedAppend {
    /// Prepares `samples` in parallel (sample `i` at global index `firstIndex + i`) and commits
    /// them in order on the calling thread as they become ready. At the first sample whose
    /// prepare or commit throws, stops and rethrows that error: the samples before it are
    /// committed, none after it (preparing stops soon after; nothing prepared is written).
    static func run<Prepared>(_ samples: [DatasetSample], firstIndex: Int,
                              prepare: (DatasetSample, Int) throws -> Prepared,
                              commit: (Prepared) throws -> Void) throws {
        guard samples.count > 1 else {
            for (i, sample) in samples.enumerated() { try commit(try prepare(sample, firstIndex + i)) }
            return
        }
        let slots = PreparedSlots<Prepared>(count: samples.count)
        try withoutActuallyEscaping(prepare) { prepare in
            // A thread of its own (not a pool worker, which could wait behind this one if the
            // caller is itself a worker); its `parallelChunks` runs on it and the pool.
            let preparing = PreparingThread {
                parallelChunks(samples.count) { range in
                    for i in range where !slots.isStopped {
                        slots.put(i, Result { try prepare(samples[i], firstIndex + i) })
                    }
                }
            }
            preparing.start()
            defer {
                slots.stop()
                preparing.waitUntilFinished()     // `prepare` must not outlive this call
            }
            for i in samples.indices { try commit(try slots.take(i).get()) }
        }
    }
}

/// The prepared samples of one `OrderedAppend.run`, handed from the preparing threads to the
/// committing one: `put` stores sample `i`'s result, `take(i)` waits for it and removes it.
private final class PreparedSlots<Prepared>: @unchecked Sendable {
    private let condition = NSCondition()
    private var results: [Result<Prepared, Error>?]
    private var stopped = false

    init(count: Int) { results = Array(repeating: nil, count: count) }

    /// True once the committing side has stopped (finished or failed): later samples are not needed.
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

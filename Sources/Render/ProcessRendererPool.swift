import Foundation
import Scene

/// N external renderer processes (`ProcessRenderer`s speaking BRIDGE.md) used as one renderer:
/// each batch is cut into at most N contiguous, balanced runs of graphs (worker `w` gets graphs
/// `count·w/N ..< count·(w+1)/N`), the runs render at the same time, one per worker, and the
/// images come back in the batch's order. The cut depends only on the batch size, so a
/// renderer whose image depends only on its graph gives the same images for any N.
///
/// Finite-difference gradients (`vjp`) send their perturbed graphs in batches, so they spread
/// over the workers too; so does dataset generation (`Generator` renders batches of 256).
/// A failing worker's error (`RenderError.external`) names the worker and the failing graph's
/// index in the batch (the exact graph when the program's error reply gave its `scene`, else
/// the run of graphs it was sent). When several workers fail, the lowest worker's error is
/// thrown, so the error does not depend on timing. A failed worker restarts on the next batch.
public final class ProcessRendererPool: Renderer, @unchecked Sendable {
    /// The workers, in the order batches are cut (all with the same canvas and classes).
    public let workers: [ProcessRenderer]
    /// Size and channels of every image (the workers').
    public var canvas: Canvas { workers[0].canvas }
    /// Class list behind the semantic masks (the workers').
    public var classes: [String] { workers[0].classes }
    /// Settings of the finite-difference gradients used by `vjp`.
    public let finiteDifference: FiniteDifferenceVJP
    private let queue = DispatchQueue(label: "metasim.process-renderer-pool", attributes: .concurrent)

    /// A pool of `workers` (at least one; equal canvases and classes).
    /// - Throws: `RenderError.mismatch` for no workers or workers that disagree.
    public init(workers: [ProcessRenderer], finiteDifference: FiniteDifferenceVJP? = nil) throws {
        guard let first = workers.first else { throw RenderError.mismatch("process renderer pool: no workers") }
        guard workers.allSatisfy({ $0.canvas == first.canvas && $0.classes == first.classes }) else {
            throw RenderError.mismatch("process renderer pool: workers must share the canvas and the class list")
        }
        self.workers = workers
        self.finiteDifference = finiteDifference ?? first.finiteDifference
    }

    /// Stops every worker's program (each restarts on its next request).
    public func close() {
        for worker in workers { worker.close() }
    }

    /// The contiguous run of a `count`-graph batch that worker `w` of `n` renders.
    static func share(_ w: Int, of n: Int, count: Int) -> Range<Int> {
        (count * w / n)..<(count * (w + 1) / n)
    }

    /// Renders the batch across the workers (see the type's comment). Throws `InputError`
    /// (file `graph N`, N the index in this batch) for non-finite attributes before any worker
    /// runs; `RenderError.external` naming the worker and the graph for a worker's failure.
    public func render(_ graphs: [SceneGraph]) throws -> [RenderedImage] {
        if graphs.isEmpty { return [] }
        try ProcessRenderer.checkFinite(graphs)
        let n = min(workers.count, graphs.count)
        let results = ResultSlots<[RenderedImage]>(count: n)
        let group = DispatchGroup()
        // One thread per worker (a concurrent queue of our own overcommits: every block runs
        // at once, whatever the core count), the last run on the calling thread.
        for w in 0..<n {
            let run = Self.share(w, of: n, count: graphs.count)
            let job: @Sendable () -> Void = { [workers] in
                results.set(w, Result { try workers[w].renderNamingScene(Array(graphs[run])) })
            }
            if w == n - 1 { job() } else { queue.async(group: group, execute: job) }
        }
        group.wait()
        var images: [RenderedImage] = []
        images.reserveCapacity(graphs.count)
        for w in 0..<n {
            switch results.get(w) {
            case .success(let part): images += part
            case .failure(let error): throw attributed(error, worker: w, of: n, run: Self.share(w, of: n, count: graphs.count))
            }
        }
        return images
    }

    /// Central finite differences through the pool (`finiteDifference`).
    public func vjp(_ graphs: [SceneGraph], imageGradients: [[Float]]) throws -> [AttributeGradients] {
        try finiteDifference.vjp(self, graphs, imageGradients: imageGradients)
    }

    /// `error` of worker `w` (of the `n` that ran this batch) on the graphs `run`, restated with
    /// the worker and the graph's index in the batch. (Input errors cannot come from a worker:
    /// `render` checked the whole batch first.)
    private func attributed(_ error: Error, worker w: Int, of n: Int, run: Range<Int>) -> Error {
        guard let failure = error as? ProcessRenderer.SceneFailure else { return error }
        guard case .external(let message) = failure.error else { return failure.error }
        let who = "worker \(w + 1) of \(workers.count)"
        if let scene = failure.scene {
            return RenderError.external("\(who), graph \(run.lowerBound + scene) of the batch: \(message)")
        }
        let graphs = run.count == 1 ? "graph \(run.lowerBound)" : "graphs \(run.lowerBound)–\(run.upperBound - 1)"
        return RenderError.external("\(who), rendering \(graphs) of the batch: \(message)")
    }
}

/// One result slot per worker, written from the workers' threads.
private final class ResultSlots<T>: @unchecked Sendable {
    private var slots: [Result<T, Error>?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ value: Result<T, Error>) {
        lock.lock(); slots[i] = value; lock.unlock()
    }

    func get(_ i: Int) -> Result<T, Error> {
        lock.lock(); defer { lock.unlock() }
        return slots[i]!
    }
}

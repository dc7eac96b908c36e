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
    /// them in order on the calling thread as they become ready (`parallelPrepareInOrder`). At
    /// the first sample whose prepare or commit throws, stops and rethrows that error: the
    /// samples before it are committed, none after it.
    static func run<Prepared>(_ samples: [DatasetSample], firstIndex: Int,
                              prepare: (DatasetSample, Int) throws -> Prepared,
                              commit: (Prepared) throws -> Void) throws {
        _ = MemoryTuning.applied      // PNG encoders' buffers reused from the heap, not returned at once (Parallel)
        try parallelPrepareInOrder(samples.count, prepare: { try prepare(samples[$0], firstIndex + $0) }, commit: commit)
    }
}

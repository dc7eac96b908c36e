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

/// How every writer appends: `prepare` does the part of a sample's work that depends only on the
/// sample and its global index (PNG encoding, RLE masks; no writer state is changed) and may run
/// on any thread; `commit` does the rest in append order (class map, ids, the shared files). A
/// writer's `append` is `commit(prepare(sample))`, and its `append(contentsOf:)` runs the same
/// two functions, the prepares in parallel, so both give the same bytes.
enum OrderedAppend {
    /// Prepares `samples` in parallel (sample `i` at global index `firstIndex + i`), then commits
    /// them in order. At the first sample whose prepare or commit throws, stops and rethrows
    /// that error: the samples before it are committed, none after it.
    static func run<Prepared>(_ samples: [DatasetSample], firstIndex: Int,
                              prepare: (DatasetSample, Int) throws -> Prepared,
                              commit: (Prepared) throws -> Void) throws {
        let prepared = try parallelMap(samples.count) { i in
            Result { try prepare(samples[i], firstIndex + i) }
        }
        for result in prepared { try commit(result.get()) }
    }
}

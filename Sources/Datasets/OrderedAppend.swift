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
/// the sample, its global index and state no other sample of the batch changes: PNG encoding,
/// RLE masks, JSON, and writing the sample's own files (its image, each under its own name);
/// it may run on any thread and changes no writer state. `commit` does the rest in append
/// order: class map, ids, and the files samples share (part file, lines file, tar). A writer's
/// `append` and `append(contentsOf:)` both go through `run`, so both give the same bytes.
enum OrderedAppend {
    /// Prepares `samples` in parallel (sample `i` at global index `firstIndex + i`), then commits
    /// them in order. At the first sample whose prepare or commit throws, stops and rethrows
    /// that error: the samples before it are committed, and `discard` removes the files the
    /// later ones prepared, so the folder holds what appending them one by one would leave.
    static func run<Prepared>(_ samples: [DatasetSample], firstIndex: Int,
                              prepare: (DatasetSample, Int) throws -> Prepared,
                              commit: (Prepared) throws -> Void,
                              discard: (Prepared) -> Void) throws {
        let prepared = try parallelMap(samples.count) { i in
            Result { try prepare(samples[i], firstIndex + i) }
        }
        for (i, result) in prepared.enumerated() {
            do {
                try commit(result.get())
            } catch {
                if case .success(let value) = result { discard(value) }
                for case .success(let later) in prepared[(i + 1)...] { discard(later) }
                throw error
            }
        }
    }

    /// Removes `paths` (files a discarded sample's prepare wrote); missing ones are ignored.
    static func remove(_ paths: String...) {
        for path in paths { unlink(path) }
    }
}

import Assets
import Codecs
import Diagnostics
import Scene

/// An asset store held in memory: images with a class label each. Handy for procedural sprites,
/// tests and benchmarks; `AssetRef.index` is the position in `images`.
public struct InMemoryAssetStore: AssetStore {
    /// Store name, as written in `AssetRef.store`.
    public let name: String
    /// The assets; `AssetRef.index` is a position in this array.
    public let images: [Image]
    /// Class label of each image, same order and length as `images`.
    public let labels: [String]

    /// Precondition: `images.count == labels.count`.
    public init(name: String, images: [Image], labels: [String]) {
        precondition(images.count == labels.count, "InMemoryAssetStore: \(images.count) images, \(labels.count) labels")
        self.name = name
        self.images = images
        self.labels = labels
    }

    /// The distinct labels, sorted.
    public var classes: [String] { Array(Set(labels)).sorted() }

    /// Images labelled `className` (0 for an unknown class); linear in the store size.
    public func count(ofClass className: String) -> Int { labels.reduce(0) { $0 + ($1 == className ? 1 : 0) } }

    /// −1 when `k` is out of range.
    public func index(ofClass className: String, _ k: Int) -> Int {
        var seen = 0
        for (i, label) in labels.enumerated() where label == className {
            if seen == k { return i }
            seen += 1
        }
        return -1
    }

    /// Throws `InputError` when the index is out of range.
    public func image(_ ref: AssetRef) throws -> Image {
        guard images.indices.contains(ref.index) else {
            throw InputError(file: name, message: "asset index \(ref.index) out of range 0..<\(images.count)")
        }
        return images[ref.index]
    }
}

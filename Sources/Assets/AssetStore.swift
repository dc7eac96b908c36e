import Codecs
import Scene

/// A source of assets (images) that scene nodes reference by `AssetRef`.
///
/// Grammars choose assets through `count(ofClass:)` and `index(ofClass:_:)` so that a choice
/// is a pure function of the sample's random generator; renderers fetch pixels with `image(_:)`.
public protocol AssetStore: Sendable {
    /// The store's name, as written in `AssetRef.store`.
    var name: String { get }
    /// The classes this store holds assets for (for MNIST `"0"` … `"9"`).
    var classes: [String] { get }
    /// How many assets of `className` the store holds (0 for an unknown class).
    func count(ofClass className: String) -> Int
    /// The store-wide index of the `k`-th asset of `className`; `k` in `0..<count(ofClass:)`.
    func index(ofClass className: String, _ k: Int) -> Int
    /// The image of one asset. Throws when the index is out of range or the data is unreadable.
    func image(_ ref: AssetRef) throws -> Image
}

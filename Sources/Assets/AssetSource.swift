/// A declared asset store that is not necessarily loaded yet: which classes it will offer
/// (known without reading its files, so grammars can be checked cheaply) and how to load it.
///
/// `MNISTSource` is one (classes `"0"` … `"9"`); another kind of store declares its own
/// classes by conforming a source type and handing it to `AssetRegistry.declare(_:source:)`
/// or `Grammar.load(path:assetSources:)`.
public protocol AssetSource: Sendable {
    /// The classes the loaded store holds assets for, in the store's order. Grammar checks
    /// reject asset rules that ask for any other class.
    var classes: [String] { get }
    /// Loads the store under `name` (as written in `AssetRef.store`). Throws `InputError` when
    /// its files cannot be read or are malformed.
    func makeStore(name: String) throws -> any AssetStore
}

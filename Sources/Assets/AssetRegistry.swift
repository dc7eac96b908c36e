import Diagnostics
import Foundation

/// Maps store names (as written in `AssetRef.store`) to asset stores, loading each on first use.
///
/// Grammars declare the stores they use (`Grammar.assetRegistry()` returns a registry that
/// knows them); renderers resolve `AssetRef`s through the same registry. Safe to share between
/// threads. Stores registered directly (`register`) win over declared sources.
public final class AssetRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var sources: [String: any AssetSource]
    private var stores: [String: AssetStore] = [:]

    /// A registry that knows the stores in `sources` (by name) and has loaded none of them yet.
    public init(sources: [String: any AssetSource] = [:]) {
        self.sources = sources
    }

    /// Declares that store `name` comes from `source` (an MNIST pair, or any other
    /// `AssetSource`), loaded when first needed.
    public func declare(_ name: String, source: any AssetSource) {
        lock.lock(); defer { lock.unlock() }
        sources[name] = source
    }

    /// Adds an already-built store under its own name.
    public func register(_ store: AssetStore) {
        lock.lock(); defer { lock.unlock() }
        stores[store.name] = store
    }

    /// Every store name known, sorted.
    public var names: [String] {
        lock.lock(); defer { lock.unlock() }
        return Set(sources.keys).union(stores.keys).sorted()
    }

    /// The store called `name`. Throws `InputError` when no such store is known or its files
    /// cannot be read.
    public func store(named name: String) throws -> AssetStore {
        lock.lock()
        if let store = stores[name] { lock.unlock(); return store }
        let source = sources[name]
        lock.unlock()
        guard let source else {
            throw InputError(file: name, message: "unknown asset store '\(name)' (known: \(names.joined(separator: ", ")))")
        }
        let store = try source.makeStore(name: name)
        lock.lock(); defer { lock.unlock() }
        stores[name] = store
        return store
    }
}

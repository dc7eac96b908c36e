import Codecs
import Scene
import XCTest
@testable import Render

/// The renderer's sprite cache: sprites it hands out borrow its planes (no reference) while it
/// holds them; past its capacity it prepares a sprite per request that owns its planes. Either
/// way a sprite's planes are the asset's, and stay readable after the cache is gone for an owner.
final class SpriteCacheTests: XCTestCase {
    private func digitStore() -> InMemoryAssetStore {
        let images = (0..<4).map { k in
            Image(width: 5, height: 4, channels: 1, pixels: (0..<20).map { Float(($0 * 7 + k * 3) % 11) / 10 })
        }
        return InMemoryAssetStore(name: "digits", images: images, labels: ["0", "1", "2", "3"])
    }

    private func plane(_ sprite: Sprite) -> [Float] {
        sprite.withPlanes { Array(UnsafeBufferPointer(start: sprite.alpha, count: (sprite.width + 2) * (sprite.height + 2))) }
    }

    func testSpritesWithinAndPastTheCapacityHoldTheAssetsPlanes() throws {
        let store = digitStore()
        let cache = SpriteCache(stores: [store], channels: 1, capacity: 2)
        for round in 0..<3 {
            for k in 0..<4 {
                let ref = AssetRef(store: "digits", index: k)
                let expected = plane(try Sprite(image: try store.image(ref), canvasChannels: 1, what: "expected"))
                let sprite = try cache.sprite(ref)
                XCTAssertEqual(plane(sprite), expected, "round \(round), sprite \(k)")
            }
        }
        // The first two stay cached: the same planes each time; the others are prepared anew.
        let cached = (try cache.sprite(AssetRef(store: "digits", index: 0)), try cache.sprite(AssetRef(store: "digits", index: 0)))
        XCTAssertEqual(cached.0.alpha, cached.1.alpha)
        // Both held at once, so neither's memory can be reused for the other.
        let prepared = (try cache.sprite(AssetRef(store: "digits", index: 3)), try cache.sprite(AssetRef(store: "digits", index: 3)))
        XCTAssertNotEqual(prepared.0.alpha, prepared.1.alpha)
    }

    func testAnOwningSpriteOutlivesTheCache() throws {
        let store = digitStore()
        let ref = AssetRef(store: "digits", index: 2)
        var cache: SpriteCache? = SpriteCache(stores: [store], channels: 1, capacity: 0)
        let sprite = try cache!.sprite(ref)
        cache = nil
        XCTAssertNil(cache)
        XCTAssertEqual(plane(sprite), plane(try Sprite(image: try store.image(ref), canvasChannels: 1, what: "expected")))
    }
}

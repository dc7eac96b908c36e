import Assets
import Codecs
import Diagnostics
import Foundation
import Scene
import XCTest
@testable import Grammar

/// A store type other than MNIST, declared by test code: two classes, one 2×2 image each.
struct PetSource: AssetSource {
    var classes: [String] { ["cat", "dog"] }
    func makeStore(name: String) throws -> any AssetStore { PetStore(name: name) }
}

struct PetStore: AssetStore {
    let name: String
    var classes: [String] { ["cat", "dog"] }
    func count(ofClass className: String) -> Int { classes.contains(className) ? 1 : 0 }
    func index(ofClass className: String, _ k: Int) -> Int { classes.firstIndex(of: className)! }
    func image(_ ref: AssetRef) throws -> Image {
        Image(width: 2, height: 2, channels: 1, pixels: [Float](repeating: Float(ref.index + 1) / 2, count: 4))
    }
}

/// The classes an asset rule may ask for come from the store's source, not from a fixed list.
final class AssetSourceTests: XCTestCase {
    func grammar(assetClass: String) -> String {
        """
        canvas: {width: 8, height: 8}
        root: Pet
        rules:
          Pet:
            class: \(assetClass)
            asset: {store: pets, class: self}
        """
    }

    func testAStoreTypeOfTheCallersOwnOffersItsClasses() throws {
        let g = try Grammar.parse(text: grammar(assetClass: "{categorical: [cat, dog]}"), file: "pets.yaml",
                                  assetSources: ["pets": PetSource()])
        let graphs = try g.sample(seed: 1, range: 0..<20)
        XCTAssertEqual(Set(graphs.map { $0.nodes[0].className }), ["cat", "dog"])
        for graph in graphs {
            let node = graph.nodes[0]
            XCTAssertEqual(node.asset, AssetRef(store: "pets", index: node.className == "cat" ? 0 : 1))
        }
    }

    func testAClassTheStoreLacksIsReportedWithTheStoresClasses() {
        XCTAssertThrowsError(try Grammar.parse(text: grammar(assetClass: "\"7\""), file: "pets.yaml",
                                               assetSources: ["pets": PetSource()])) { error in
            let errors = (error as? InputErrors)?.errors ?? []
            XCTAssertEqual(errors.count, 1, "\(error)")
            XCTAssertEqual(errors.first?.file, "pets.yaml")
            XCTAssertEqual(errors.first?.path, "rules.Pet.asset")
            XCTAssertEqual(errors.first?.line, 5)
            XCTAssertEqual(errors.first?.message, "store 'pets' has no asset of class '7' (its classes are cat, dog)")
        }
    }

    func testWithoutTheSourceTheStoreIsUnknown() {
        XCTAssertThrowsError(try Grammar.parse(text: grammar(assetClass: "cat"), file: "pets.yaml")) { error in
            let errors = (error as? InputErrors)?.errors ?? []
            XCTAssert(errors.contains { $0.path == "rules.Pet.asset.store" && $0.message.contains("unknown asset store 'pets'") }, "\(error)")
        }
    }

    func testLongClassListsAreShortenedInMessages() {
        let many = (0..<30).map { "c\($0)" }
        XCTAssertEqual(GrammarChecks.describeClasses(many),
                       "its classes are " + many.prefix(12).joined(separator: ", ") + ", … (30 in all)")
        XCTAssertEqual(GrammarChecks.describeClasses([]), "it offers no classes")
    }
}

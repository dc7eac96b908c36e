import Grammar
import Render
import Render3D
import TestSupport
import XCTest
@testable import MetaSim

/// `Grammar.makeRenderer` builds the renderer a grammar's `renderer:` setting names.
final class RendererChoiceTests: XCTestCase {
    func testDrivingGrammarGetsThe3DRenderer() throws {
        let g = try Grammar.load(path: Repository.path("experiments/grammars/driving-prior.yaml"))
        let renderer = try g.makeRenderer(assets: g.assetRegistry())
        XCTAssertTrue(renderer is Renderer3D)
        XCTAssertEqual(renderer.classes, g.schema.classes)
        let images = try renderer.render(try g.sample(seed: 1, range: 0..<2))
        XCTAssertEqual(images.count, 2)
        XCTAssertNotNil(images[0].groundTruth.depth)
    }

    func testOtherGrammarsKeepTheCompositor() throws {
        let g = try Grammar.load(path: Repository.path("experiments/grammars/aerial-prior.yaml"))
        XCTAssertTrue(try g.makeRenderer(assets: g.assetRegistry()) is CompositorRenderer)
    }
}

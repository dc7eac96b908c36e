import Assets
import Foundation
import Scene
import XCTest
@testable import Grammar

final class OriginalFormatTests: XCTestCase {
    func testBundledOriginalMNISTGrammar() throws {
        let g = try Fixtures.example("mnist-original.json")
        XCTAssertEqual(g.format, .original)
        XCTAssertEqual(g.canvas, Canvas(width: 32, height: 32, channels: 1))
        XCTAssertEqual(g.schema.attributes.map(\.name), ["size_x", "size_y", "loc_x", "loc_y", "yaw"])
        XCTAssertEqual(g.schema.classes, ["Image", "Background", "Scene"] + (0...9).map(String.init))
        XCTAssertEqual(g.settings["num_samples"], .number(1000))
        let assets = g.assetRegistry()
        let graphs = try g.sample(seed: 3, range: 0..<200, assets: assets)
        for graph in graphs {
            XCTAssertEqual(graph.nodes.map(\.className).prefix(3), ["Image", "Background", "Scene"])
            XCTAssertEqual(graph.edges, [SceneEdge(parent: 0, child: 1), SceneEdge(parent: 0, child: 2), SceneEdge(parent: 2, child: 3)])
            let digit = graph.nodes[3]
            XCTAssertEqual(digit.mutable, ["loc_x", "loc_y", "yaw"])
            XCTAssertEqual(digit.string("texture"), "Random")
            XCTAssertEqual(digit.number("loc_x"), 16)
            let yaw = try XCTUnwrap(digit.number("yaw"))
            XCTAssert(yaw >= 0 && yaw < 360, "yaw \(yaw) not wrapped")
            let store = try XCTUnwrap(try assets.store(named: digit.asset!.store) as? MNISTAssetStore)
            XCTAssertEqual(String(store.label(digit.asset!.index)), digit.className)
            for node in graph.nodes.prefix(3) { XCTAssert(node.mutable.isEmpty, "immutable node \(node.rule) has mutable attributes") }
            // The format's Background node is mapped to what fills the canvas; no other node is.
            XCTAssertEqual(graph.nodes[1].string("background"), "constant")
            XCTAssertEqual(graph.nodes.filter { $0.attributes["background"] != nil }.count, 1)
            // Gaussian(0, 5) on the format's 0…255 scale, as a grey level in [0, 1].
            let texture = try XCTUnwrap(graph.nodes[1].number("texture"))
            XCTAssert(texture >= 0 && texture <= 30.0 / 255, "background texture \(texture) not on the 0…1 grey scale")
        }
    }

    /// The format's `texture` is a grey level on 0…max (255 in Meta-Sim's files): 64 must become
    /// 64/255, not a value the renderer clamps to white (shared case b01).
    func testTextureIsRescaledToTheGreyScale() throws {
        let json = """
            {"class": ["Deterministic", "Image"],
             "attributes": {"features": ["class", "loc_x"], "mutable": ["loc_x"], "size": [16, 16],
                            "texture": ["Deterministic", 0, 0, 255], "loc_x": ["Deterministic", 0, 0, 16]},
             "num_child": ["Deterministic", 1],
             "child": [{"class": ["Deterministic", "Background"],
                        "attributes": {"texture": ["Uniform", 51, 102, 255], "loc_x": ["Deterministic", 0, 0, 16]},
                        "num_child": ["Deterministic", 0], "child": []}]}
            """
        let g = try Grammar.parse(text: json, file: "bg.json")
        for graph in try g.sample(seed: 1, range: 0..<50) {
            let texture = try XCTUnwrap(graph.nodes[1].number("texture"))
            XCTAssert(texture >= 0.2 - 1e-9 && texture <= 0.4 + 1e-9, "texture \(texture) not in [51, 102] / 255")
            XCTAssertEqual(graph.nodes[0].number("texture"), 0)
        }
        let rule = try XCTUnwrap(g.rules["Background"]?.attributes.first { $0.name == "texture" })
        XCTAssertEqual(rule.range?.max, 1)
    }

    func testPerNodeMaximaAndNonListPassThrough() throws {
        let g = try Fixtures.grammar("good/orig-boxes.json")
        XCTAssertEqual(g.canvas, Canvas(width: 24, height: 16, channels: 1))
        XCTAssertEqual(g.schema.classes, [], "class is not in features")
        XCTAssertEqual(g.schema.attributes.map(\.name), ["size_x", "loc_x", "loc_y"])
        XCTAssertEqual(Set(g.rules.keys), ["Image", "Box", "Box#2"])
        XCTAssertEqual(g.schema.attributes[2].range, AttributeRange(min: 0, max: 16))
        let graph = try g.sample(seed: 0, index: 0, assets: g.assetRegistry())
        XCTAssertEqual(graph.nodes[1].string("shape"), "rectangle")
        XCTAssertEqual(graph.nodes[1].mutable, ["loc_x"])
        XCTAssertEqual(graph.nodes[2].mutable, [], "immutable: true")
        XCTAssert((2...6).contains(graph.nodes[1].number("size_x")!))
        XCTAssertEqual(g.settings["dataset"], .string("toy"))
    }

    func testOriginalMNISTFixtureMatchesTheBundledExampleStructure() throws {
        let g = try Fixtures.grammar("good/orig-mnist.json")
        XCTAssertEqual(g.schema.featureNames.suffix(2), ["loc_x", "yaw"])
        let graph = try g.sample(seed: 1, index: 5, assets: g.assetRegistry())
        XCTAssertEqual(graph.nodes.count, 2)
        XCTAssertNotNil(graph.nodes[1].asset)
    }
}

import Foundation
import Scene
import XCTest
@testable import Grammar
import Assets
import Diagnostics

final class SamplingTests: XCTestCase {
    private func jsonLines(_ graphs: [SceneGraph]) throws -> Data {
        var data = Data()
        for g in graphs { data.append(try SceneGraph.jsonEncoder().encode(g)); data.append(0x0A) }
        return data
    }

    func testSamplingIsByteIdenticalWhateverTheSplitOrThreads() throws {
        let g = try Fixtures.example("city.yaml")
        let assets = g.assetRegistry()
        let whole = try jsonLines(try g.sample(seed: 42, range: 0..<100, assets: assets))
        var pieces: [SceneGraph] = []
        for r in [0..<13, 13..<50, 50..<51, 51..<100] { pieces += try g.sample(seed: 42, range: r, assets: assets) }
        XCTAssertEqual(try jsonLines(pieces), whole)
        let oneByOne = try (0..<100).map { try g.sample(seed: 42, index: $0, assets: assets) }
        XCTAssertEqual(try jsonLines(oneByOne), whole)
        // Concurrent callers, each sampling interleaved indices.
        let lock = NSLock()
        var concurrent = [SceneGraph?](repeating: nil, count: 100)
        DispatchQueue.concurrentPerform(iterations: 4) { t in
            for i in stride(from: t, to: 100, by: 4) {
                let graph = try! g.sample(seed: 42, index: i, assets: assets)
                lock.lock(); concurrent[i] = graph; lock.unlock()
            }
        }
        XCTAssertEqual(try jsonLines(concurrent.map { $0! }), whole)
        XCTAssertNotEqual(try jsonLines(try g.sample(seed: 43, range: 0..<100, assets: assets)), whole)
    }

    /// Nodes are built from a per-rule layout of the attributes (`SampledAttributes`); a rule
    /// whose attributes are changed after loading samples the new ones, a name given twice
    /// keeps the later draw, and the mutable names follow the change.
    func testChangedRuleAttributesAreSampled() throws {
        var g = try Fixtures.example("city.yaml")
        var car = try XCTUnwrap(g.rules["Car"])
        car.attributes.removeAll { $0.name == "yaw" }
        car.attributes.append(AttributeRule(name: "speed", distribution: .constant(.number(7)), range: AttributeRange(min: 0, max: 10), mutable: true))
        car.attributes.append(AttributeRule(name: "texture", distribution: .constant(.number(0.25))))
        g.rules["Car"] = car
        var cars = 0
        for graph in try g.sample(seed: 5, range: 0..<20) {
            for node in graph.nodes where node.rule == "Car" {
                cars += 1
                XCTAssertEqual(Set(node.attributes.keys), ["shape", "loc_x", "loc_y", "size_x", "size_y", "texture", "speed"])
                XCTAssertEqual(node.number("speed"), 7)
                XCTAssertEqual(node.number("texture"), 0.25, "the later of two attributes of one name wins")
                XCTAssertEqual(node.mutable, ["loc_x", "loc_y", "texture", "speed"])
            }
        }
        XCTAssertGreaterThan(cars, 100)
    }

    /// Rules compare by what they say, not by how their sampling layout was stored: the same
    /// rule loaded twice (two layouts in dictionaries of their own) is equal, and a rule with
    /// another mutable flag is not.
    func testRulesLoadedTwiceAreEqual() throws {
        let a = try Fixtures.example("city.yaml"), b = try Fixtures.example("city.yaml")
        XCTAssertEqual(a.rules, b.rules)
        var car = try XCTUnwrap(b.rules["Car"])
        car.attributes[0].mutable.toggle()
        XCTAssertNotEqual(a.rules["Car"], car)
    }

    func testCityValuesLieInTheirRangesAndCountsInTheirSupport() throws {
        let g = try Fixtures.example("city.yaml")
        let graphs = try g.sample(seed: 1, range: 0..<200)
        for graph in graphs {
            let kinds = Dictionary(grouping: graph.nodes, by: \.rule).mapValues(\.count)
            XCTAssertEqual(kinds["Block"], 4)
            XCTAssert((6...10).contains(kinds["Car"] ?? 0))
            XCTAssert((0...12).contains(kinds["Pedestrian"] ?? 0))
            for node in graph.nodes {
                for attribute in g.rules[node.rule]!.attributes {
                    guard let range = attribute.range, let v = node.number(attribute.name) else { continue }
                    XCTAssert(v >= range.min && v <= range.max, "\(node.rule).\(attribute.name) = \(v)")
                }
                if node.rule == "Building" {
                    let size = node.number("size_x")!
                    XCTAssertEqual(size, size.rounded())
                    XCTAssert((8...20).contains(size))
                    XCTAssert(["house", "shop", "tower"].contains(node.className))
                }
                if node.rule == "Pedestrian" { XCTAssert((3...6).contains(node.number("size")!)) }
                if node.rule == "Car" { XCTAssert([0, 180].contains(node.number("yaw")!)) }
            }
        }
    }

    func testMNISTDigitsGetAnAssetOfTheirOwnClass() throws {
        let g = try Fixtures.example("mnist.yaml")
        let assets = g.assetRegistry()
        let store = try XCTUnwrap(try assets.store(named: "mnist-train") as? MNISTAssetStore)
        let graphs = try g.sample(seed: 9, range: 0..<300, assets: assets)
        var yaws: [Double] = []
        var classes = Set<String>()
        for graph in graphs {
            XCTAssertEqual(graph.nodes.map(\.rule), ["Image", "Background", "Scene", "Digit"])
            let digit = graph.nodes[3]
            classes.insert(digit.className)
            let ref = try XCTUnwrap(digit.asset)
            XCTAssertEqual(String(store.label(ref.index)), digit.className)
            XCTAssertEqual(digit.mutable, ["loc_x", "loc_y", "yaw"])
            let yaw = digit.number("yaw")!
            XCTAssert(yaw >= -180 && yaw < 180, "yaw \(yaw) outside the wrapped range")
            yaws.append(yaw)
        }
        XCTAssertEqual(classes.count, 10)
        let mean = yaws.reduce(0, +) / 300
        let std = (yaws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 300).squareRoot()
        XCTAssertEqual(mean, 0, accuracy: 2)
        XCTAssertEqual(std, 10, accuracy: 1.5)
    }

    func testExplodingGrammarThrowsInsteadOfEatingMemory() throws {
        let text = """
        canvas: {width: 8, height: 8}
        root: A
        rules:
          A:
            children:
              - {rule: B, count: 1000000000}
          B: {}
        """
        let g = try Grammar.parse(text: text, file: "big.yaml")
        XCTAssertThrowsError(try g.sample(seed: 0, index: 0)) { error in
            let e = error as? InputError
            XCTAssertEqual(e?.path, "rules.B")
            XCTAssert(e?.message.contains("more than \(Grammar.maxNodes) nodes") == true)
        }
    }

    func testRecursionStopsAtMaxDepth() throws {
        let text = """
        canvas: {width: 8, height: 8}
        root: Tree
        max_depth: 3
        rules:
          Tree:
            children:
              - {rule: Tree, count: 2}
        """
        let g = try Grammar.parse(text: text, file: "tree.yaml")
        let graph = try g.sample(seed: 0, index: 0, assets: g.assetRegistry())
        XCTAssertEqual(graph.nodes.count, 1 + 2 + 4 + 8)
        XCTAssertEqual(graph.children(of: 0).count, 2)
    }

    func testSchemaAndEncodeDecodeRoundTripOnASampledGrammar() throws {
        let text = """
        canvas: {width: 16, height: 16}
        root: R
        rules:
          R:
            children: [A, {rule: B, count: {uniform_int: [0, 3]}}]
            attributes:
              texture: 0.5
          A:
            attributes:
              texture: {uniform: [0, 1], range: [0, 1], mutable: true}
              yaw: {uniform: [-180, 180], range: [-180, 180], wrap: true, mutable: true}
          B:
            class: {categorical: [b1, b2]}
            attributes:
              texture: {uniform: [0, 10], range: [0, 10]}
        """
        let g = try Grammar.parse(text: text, file: "inline.yaml")
        XCTAssertEqual(g.schema.classes, ["R", "A", "b1", "b2"])
        XCTAssertEqual(g.schema.attributes.map(\.name), ["texture", "yaw"])
        XCTAssertEqual(g.schema.attributes[0].unencodedRules, ["R"])
        XCTAssertEqual(g.schema.attributes[0].range(forRule: "B"), AttributeRange(min: 0, max: 10))
        var graphs = try g.sample(seed: 11, range: 0..<20)
        let original = graphs
        let encoder = SceneEncoder(g.schema)
        let batch = encoder.encode(graphs)
        XCTAssertEqual(Set(batch.nodeCounts).count > 1, true, "variable node counts exercise padding")
        // Shift every feature by 0.3 turns/units: only A's texture and yaw may change.
        encoder.decode(batch.features.map { $0 + 0.3 }, into: &graphs)
        for (before, after) in zip(original, graphs) {
            for (x, y) in zip(before.nodes, after.nodes) {
                if x.rule == "A" {
                    XCTAssertEqual(y.number("texture")!, min(1, x.number("texture")! + 0.3), accuracy: 1e-5)
                    let expected = AttributeRange(min: -180, max: 180, wrap: true).fit(x.number("yaw")! + 108)
                    XCTAssertEqual(y.number("yaw")!, expected, accuracy: 1e-3)
                } else {
                    XCTAssertEqual(x, y)
                }
            }
        }
    }
}

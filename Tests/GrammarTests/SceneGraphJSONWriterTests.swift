import Foundation
import Grammar
import Scene
import TestSupport
import XCTest

/// `SceneGraphJSONWriter` (what `metasim sample` writes) against Foundation's `JSONEncoder` with
/// `SceneGraph.jsonEncoder()`'s settings (what it wrote before): the same bytes for the bundled
/// grammars' graphs, and for random graphs with awkward strings (quotes, backslashes, control
/// characters, NUL, non-ASCII, `/`) and extreme numbers (subnormals, ±greatest finite, −0,
/// integers around 2^53) JSON that `JSONDecoder` reads back to exactly the same graph.
final class SceneGraphJSONWriterTests: XCTestCase {
    func written(_ graph: SceneGraph) throws -> [UInt8] {
        var out: [UInt8] = []
        try SceneGraphJSONWriter.append(graph, to: &out)
        return out
    }

    func testBundledGrammarsGiveTheBytesOfJSONEncoder() throws {
        let encoder = SceneGraph.jsonEncoder()
        var compared = 0
        for name in ["city.yaml", "shapes.yaml", "mnist.yaml", "mnist-original.json"] {
            let grammar = try Grammar.load(path: Repository.path("examples/grammars/" + name))
            for seed: UInt64 in [0, 7, 1 << 63] {
                for graph in try grammar.sample(seed: seed, range: 0..<40) {
                    XCTAssertEqual(try written(graph), Array(try encoder.encode(graph)), "\(name) seed \(seed)")
                    compared += 1
                }
            }
        }
        XCTAssertEqual(compared, 4 * 3 * 40)
        let graphs = try Grammar.load(path: Repository.path("examples/grammars/city.yaml")).sample(seed: 3, range: 0..<25)
        XCTAssertEqual(try SceneGraphJSONWriter.jsonLines(graphs),
                       Array(try graphs.map { try encoder.encode($0) + Data([0x0A]) }.joined()), "JSON Lines of 25 graphs")
    }

    /// The random graphs below depend only on the seed (the grammar's own generator).
    struct Random {
        var source: RandomSource
        init(state: UInt64) { source = RandomSource(seed: state) }
        mutating func next() -> UInt64 { source.next() }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static let awkwardStrings = ["", "plain", "quote\"inside", "back\\slash", "slash/es", "tab\tnew\nline\r",
                                 "\u{0}nul", "\u{1}\u{1F}\u{7F}", "\u{8}\u{C}", "é", "e\u{301}", "日本語", "🚗 car",
                                 "\u{2028}\u{2029}", "}],{\"", "\\u0041", "Z", "a10", "a9", "_x", "X"]
    static let awkwardNumbers: [Double] = [0, -0.0, 1, -1, 0.1, 1.0 / 3, 30, 1e15, 1e15 - 1, 1e16, 9_007_199_254_740_992,
                                           9_007_199_254_740_994, 123_456_789_012_345.6, .leastNonzeroMagnitude, 2.2250738585072014e-308,
                                           .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .ulpOfOne, 1e-7, 1e21, 1e22,
                                           -1e-300, 0.30000000000000004, 4.35, 100, 1e100]

    func randomGraph(_ random: inout Random) -> SceneGraph {
        var graph = SceneGraph()
        let strings = Self.awkwardStrings, numbers = Self.awkwardNumbers
        for index in 0..<(1 + random.below(6)) {
            var node = SceneNode(rule: strings[random.below(strings.count)], className: strings[random.below(strings.count)])
            for _ in 0..<random.below(6) {
                let name = strings[random.below(strings.count)]
                switch random.below(4) {
                case 0: node.attributes[name] = .number(numbers[random.below(numbers.count)])
                case 1:
                    let bits = Double(bitPattern: random.next())
                    node.attributes[name] = .number(bits.isFinite ? bits : 2.5)
                case 2: node.attributes[name] = .string(strings[random.below(strings.count)])
                default: node.attributes[name] = .bool(random.below(2) == 0)
                }
                if random.below(2) == 0 { node.mutable.insert(name) }
            }
            if random.below(3) == 0 { node.asset = AssetRef(store: strings[random.below(strings.count)], index: random.below(100_000)) }
            graph.add(node, parent: index == 0 ? nil : random.below(index))
        }
        return graph
    }

    func testRandomAwkwardGraphsDecodeToTheSameGraphAsJSONEncoder() throws {
        let encoder = SceneGraph.jsonEncoder()
        var random = Random(state: 12)
        var sameBytes = 0
        for _ in 0..<3000 {
            let graph = randomGraph(&random)
            let ours = try written(graph)
            let decoded = try JSONDecoder().decode(SceneGraph.self, from: Data(ours))
            let theirs = try JSONDecoder().decode(SceneGraph.self, from: encoder.encode(graph))
            XCTAssertEqual(decoded, theirs, String(decoding: ours, as: UTF8.self))
            XCTAssertEqual(decoded, graph, String(decoding: ours, as: UTF8.self))
            if ours == Array(try encoder.encode(graph)) { sameBytes += 1 }
        }
        // Most differ only in key order (names with capitals and digits) or escapes of the same text.
        XCTAssertGreaterThan(sameBytes, 0)
    }

    /// `jsonLines` sorts each rule's names once and reuses the order while a node of the rule
    /// holds the same names in the same iteration order: nodes of one rule with other names,
    /// the same names inserted in other orders (other iteration orders) and more rules than it
    /// remembers must all still give `JSONEncoder`'s bytes (lower-case ASCII names, whose
    /// sorted order both share).
    func testJSONLinesOfNodesOfOneRuleWithDifferentNamesGiveTheBytesOfJSONEncoder() throws {
        let names = ["a", "b", "c", "loc_x", "loc_y", "size", "yaw", "z"]
        let rules = ["car", "tree"] + (0..<40).map { "rule\($0)" }
        var random = Random(state: 5)
        var graphs: [SceneGraph] = []
        for _ in 0..<300 {
            var graph = SceneGraph()
            for index in 0..<(1 + random.below(8)) {
                var node = SceneNode(rule: rules[random.below(random.below(2) == 0 ? 2 : rules.count)], className: "c")
                var chosen = names.filter { _ in random.below(3) > 0 }
                for i in chosen.indices.reversed() { chosen.swapAt(i, random.below(i + 1)) }
                node.attributes.reserveCapacity(random.below(2) == 0 ? 8 : 64)    // other capacities, other orders
                for name in chosen {
                    node.attributes[name] = .number(Double(random.below(1000)) / 8)
                    if random.below(2) == 0 { node.mutable.insert(name) }
                }
                graph.add(node, parent: index == 0 ? nil : random.below(index))
            }
            graphs.append(graph)
        }
        let encoder = SceneGraph.jsonEncoder()
        XCTAssertEqual(try SceneGraphJSONWriter.jsonLines(graphs), Array(try graphs.map { try encoder.encode($0) + Data([0x0A]) }.joined()))
    }

    /// Numbers read back to the same bits, −0 included (`==` would not tell −0 from 0).
    func testNumbersRoundTripBitForBit() throws {
        var random = Random(state: 99)
        var values = Self.awkwardNumbers + Self.awkwardNumbers.map { -$0 }
        for _ in 0..<20_000 {
            let x = Double(bitPattern: random.next())
            if x.isFinite { values.append(x) }
        }
        for x in values {
            var node = SceneNode(rule: "R", className: "c")
            node.attributes["x"] = .number(x)
            let bytes = try written(SceneGraph(nodes: [node]))
            let back = try JSONDecoder().decode(SceneGraph.self, from: Data(bytes))
            guard case .number(let y)? = back.nodes.first?.attributes["x"] else { return XCTFail("\(x) did not read back as a number") }
            XCTAssertEqual(y.bitPattern, x.bitPattern, "\(x) written as \(String(decoding: bytes, as: UTF8.self))")
        }
    }

    /// NaN and infinities throw `EncodingError.invalidValue`, as `JSONEncoder` does.
    func testNonFiniteNumbersThrowAsJSONEncoderDoes() {
        for x in [Double.nan, .infinity, -.infinity] {
            var node = SceneNode(rule: "R", className: "c")
            node.attributes["x"] = .number(x)
            let graph = SceneGraph(nodes: [node])
            var out: [UInt8] = [1, 2, 3]
            XCTAssertThrowsError(try SceneGraphJSONWriter.append(graph, to: &out)) { error in
                guard case EncodingError.invalidValue = error else { return XCTFail("\(error)") }
            }
            XCTAssertEqual(out, [1, 2, 3], "a failed graph leaves the buffer as it was")
            XCTAssertThrowsError(try SceneGraph.jsonEncoder().encode(graph))
        }
    }
}

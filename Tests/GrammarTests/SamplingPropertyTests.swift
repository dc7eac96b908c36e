import Foundation
import PropertyBased
import Scene
import Testing
@testable import Grammar

/// Property-based checks (swift-property-based) of `Grammar.sample` on grammars written with
/// extreme parameters: every ranged attribute inside its declared range (wrapped ones in
/// `[min, max)`), truncated draws inside their bounds, child counts within what the count
/// distributions allow (never negative), and each scene a function of (seed, index) alone —
/// the same sampled alone, in one parallel batch or in pieces.
@Suite struct SamplingPropertyTests {
    /// A double in YAML (always with a mantissa dot and exponent, which YAML reads as a number).
    static func yaml(_ x: Double) -> String { String(format: "%.17e", x) }

    static func grammar(mean: Double, std: Double, lower: Double, upper: Double, rangeLow: Double, span: Double,
                        lambda: Double, cap: Int) throws -> Grammar {
        let text = """
            canvas: {width: 8, height: 8, channels: 1}
            root: Scene
            rules:
              Scene:
                children:
                  - {rule: Thing, count: {poisson: \(yaml(lambda)), max: \(cap)}}
                  - {rule: Thing, count: {uniform_int: [0, 3]}}
              Thing:
                attributes:
                  truncated: {gaussian: {mean: \(yaml(mean)), std: \(yaml(std)), min: \(yaml(lower)), max: \(yaml(upper))}, range: [\(yaml(lower)), \(yaml(upper == lower ? upper + 1 : upper))]}
                  free: {gaussian: {mean: \(yaml(mean)), std: \(yaml(std))}, range: [\(yaml(rangeLow)), \(yaml(rangeLow + span))], wrap: true}
                  clamped: {gaussian: {mean: \(yaml(mean)), std: \(yaml(std))}, range: [\(yaml(rangeLow)), \(yaml(rangeLow + span))]}
                  spread: {uniform: [\(yaml(-abs(mean))), \(yaml(abs(mean)))], range: [\(yaml(rangeLow)), \(yaml(rangeLow + span))], wrap: true}
                  whole: {int_uniform: [-1000000000000000, 1000000000000000], range: [-1.0e15, 1.0e15]}
            """
        return try Grammar.parse(text: text, file: "property.yaml")
    }

    @Test func sampledScenesStayInTheirDeclaredRangesAndDependOnlyOnSeedAndIndex() async throws {
        let magnitude = Gen.int(in: -300...300), mantissa = Gen.double(in: -9.99...9.99)
        await propertyCheck(count: 60, input: mantissa, magnitude, Gen.int(in: -300...300), Gen.double(in: -60...60),
                                Gen.double(in: 1e-6...1e3), Gen.double(in: 0...40), Gen.int(in: 0...50), Gen.uint64()) {
            m, e, stdExponent, offset, width, lambda, cap, seed in
            let mean = m * Foundation.pow(10, Double(e))
            let std = Foundation.pow(10, Double(stdExponent))
            var lower = mean + offset * std, upper = lower + width * std
            if !(lower.isFinite && upper.isFinite && lower <= upper) { (lower, upper) = (-1, 1) }
            let rangeLow = -abs(mean) - 1, span = Swift.max(2 * abs(mean) + 2, 1e-3)
            guard (rangeLow + span).isFinite else { return }
            let g = try Self.grammar(mean: mean, std: std, lower: lower, upper: upper, rangeLow: rangeLow, span: span,
                                     lambda: lambda, cap: cap)
            let batch = try g.sample(seed: seed, range: 0..<12)
            for (index, graph) in batch.enumerated() {
                let things = graph.nodes.filter { $0.rule == "Thing" }
                #expect(things.count >= 0 && things.count <= cap + 3, "scene \(index): \(things.count) things, at most \(cap) + 3 allowed")
                for node in things {
                    for attribute in g.rules["Thing"]!.attributes {
                        guard let range = attribute.range, case .number(let x)? = node.attributes[attribute.name] else {
                            Issue.record("\(attribute.name) missing or not a number"); continue
                        }
                        let inside = range.wrap ? x >= range.min && x < range.max : x >= range.min && x <= range.max
                        #expect(inside, "\(attribute.name) = \(x) outside [\(range.min), \(range.max)\(range.wrap ? ")" : "]")")
                    }
                    if case .number(let t)? = node.attributes["truncated"] { #expect(t >= lower && t <= upper) }
                }
            }
            let alone = try (0..<12).map { try g.sample(seed: seed, index: $0) }
            let pieces = try g.sample(seed: seed, range: 0..<5) + g.sample(seed: seed, range: 5..<12)
            let encode = { (graphs: [SceneGraph]) in try graphs.map { try SceneGraph.jsonEncoder().encode($0) } }
            #expect(try encode(alone) == encode(batch))
            #expect(try encode(pieces) == encode(batch))
        }
    }
}

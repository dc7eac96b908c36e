import Scene
import XCTest
@testable import Grammar

/// Paired sampling (`Grammar.redrawingMutableAttributes`, `differenceOutsideMutableDraws`):
/// a prior sample with its mutable attributes drawn from a target grammar keeps the sample's
/// structure and is distributed as the target's own samples.
final class MutableAttributeRedrawTests: XCTestCase {
    /// A road with 1–4 cars; `offset` and `paint` are mutable, `length` is not.
    private func grammar(offset: String = "{uniform: [-1, 1], range: [-2, 2], mutable: true}",
                         paint: String = "{uniform: [0, 1], range: [0, 1], mutable: true}",
                         length: String = "{uniform: [3.8, 4.8]}", cars: String = "{uniform_int: [1, 4]}",
                         file: String = "g.yaml") throws -> Grammar {
        try Grammar.parse(text: """
            canvas: {width: 32, height: 32, channels: 3}
            root: Road
            rules:
              Road:
                class: road
                children:
                  - {rule: Car, count: \(cars)}
              Car:
                class: car
                attributes:
                  offset: \(offset)
                  paint: \(paint)
                  length: \(length)
            """, file: file)
    }

    /// The target's mutable draws replace the prior's: nodes, classes, parents and the
    /// immutable `length` are the prior sample's; `offset` and `paint` follow the target's
    /// distributions — their quantiles over 4000 cars match the target grammar's own samples
    /// (and not the prior's); the same (graph, seed, index) gives the same graph.
    func testRedrawKeepsTheStructureAndDrawsAsTheTarget() throws {
        let prior = try grammar()
        let target = try grammar(offset: "{gaussian: {mean: 0.5, std: 0.1}, range: [-2, 2], mutable: true}",
                                 paint: "{uniform: [0.2, 0.3], range: [0, 1], mutable: true}", file: "target.yaml")
        XCTAssertNil(target.differenceOutsideMutableDraws(from: prior).map { "\($0)" })
        let samples = try prior.sample(seed: 3, range: 0..<1600)
        let redrawn = samples.enumerated().map { target.redrawingMutableAttributes(of: $1, seed: 9, index: $0) }
        for (a, b) in zip(samples, redrawn) {
            XCTAssertEqual(a.nodes.count, b.nodes.count)
            for (x, y) in zip(a.nodes, b.nodes) {
                XCTAssertEqual(x.rule, y.rule); XCTAssertEqual(x.className, y.className); XCTAssertEqual(x.parent, y.parent)
                XCTAssertEqual(x.mutable, y.mutable)
                XCTAssertEqual(x.number("length"), y.number("length"), "immutable attributes are kept")
            }
        }
        let own = try target.sample(seed: 4, range: 0..<1600)
        func values(_ graphs: [SceneGraph], _ name: String) -> [Double] {
            graphs.flatMap { $0.nodes.compactMap { $0.number(name) } }.sorted()
        }
        func quantile(_ sorted: [Double], _ q: Double) -> Double { sorted[Int(q * Double(sorted.count - 1))] }
        for name in ["offset", "paint"] {
            let mine = values(redrawn, name), theirs = values(own, name), before = values(samples, name)
            XCTAssertGreaterThan(mine.count, 3000)
            for q in [0.05, 0.25, 0.5, 0.75, 0.95] {
                XCTAssertEqual(quantile(mine, q), quantile(theirs, q), accuracy: 0.02, "\(name) q\(q)")
            }
            XCTAssertGreaterThan(abs(quantile(before, 0.05) - quantile(theirs, 0.05)), 0.1, "the prior's \(name) differs")
        }
        XCTAssertEqual(target.redrawingMutableAttributes(of: samples[7], seed: 9, index: 7), redrawn[7])
        XCTAssertNotEqual(target.redrawingMutableAttributes(of: samples[7], seed: 9, index: 8), redrawn[7], "another index draws anew")
    }

    /// Pairing needs grammars that differ only in how mutable attributes are drawn: an
    /// immutable attribute drawn otherwise, other counts, another range or mutability, another
    /// canvas are each named with their field.
    func testDifferencesOutsideMutableDrawsAreNamed() throws {
        let prior = try grammar()
        let cases: [(Grammar, String)] = [
            (try grammar(length: "{uniform: [3, 4]}"), "rules.Car.attributes.length"),
            (try grammar(cars: "{uniform_int: [0, 4]}"), "rules.Road.children"),
            (try grammar(offset: "{uniform: [-1, 1], range: [-3, 3], mutable: true}"), "rules.Car.attributes.offset"),
            (try grammar(paint: "{uniform: [0, 1], range: [0, 1]}"), "rules.Car.attributes.paint"),
        ]
        for (other, path) in cases {
            let difference = try XCTUnwrap(other.differenceOutsideMutableDraws(from: prior), path)
            XCTAssertEqual(difference.path, path, difference.message)
            XCTAssertTrue(difference.message.contains("in 'g.yaml'"), difference.message)
        }
        var wide = prior
        wide.canvas = Canvas(width: 64, height: 32, channels: 3)
        XCTAssertEqual(wide.differenceOutsideMutableDraws(from: prior)?.path, "canvas")
    }
}

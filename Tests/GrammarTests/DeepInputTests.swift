import Diagnostics
import Foundation
import XCTest
@testable import Grammar

/// Inputs deep or long enough to overflow a recursive reader: a clear `InputError`, not a crash.
/// The inputs are generated here (the largest is a few hundred kilobytes).
final class DeepInputTests: XCTestCase {
    func assertNestingError(_ text: String, line expectedLine: Int? = nil, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Grammar.parse(text: text, file: "deep.yaml"), file: file, line: line) { error in
            guard let input = error as? InputError else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertEqual(input.file, "deep.yaml", file: file, line: line)
            XCTAssertTrue(input.message.hasPrefix("nesting deeper than \(NestingDepth.maximum) levels"), input.message, file: file, line: line)
            if let expectedLine { XCTAssertEqual(input.line, expectedLine, file: file, line: line) }
        }
    }

    func testDeepFlowNestingInYAMLAndJSON() {
        let n = 10_000
        assertNestingError("canvas: {width: 32, height: 32}\nroot: A\nrules:\n  A: {attributes: {shape: rectangle, size: 4, note: "
                           + String(repeating: "[", count: n) + String(repeating: "]", count: n) + "}}\n", line: 4)
        assertNestingError("{\"canvas\": " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}")
    }

    func testDeepBlockNesting() {
        assertNestingError(String(repeating: "- ", count: 5_000) + "x\n", line: 1)
        let indented = (0..<600).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n") + " x\n"
        assertNestingError(indented)
    }

    func testDeepOriginalFormatTree() {
        let n = 5_000
        var s = #"{"class": ["Deterministic", "Image"], "attributes": {"features": ["class"], "mutable": [], "size": [32, 32], "asset_dir": "."}, "num_child": ["Deterministic", 1], "child": ["#
        for i in 0..<n {
            s += #"{"class": ["Deterministic", "N\#(i)"], "attributes": {}, "num_child": ["Deterministic", \#(i == n - 1 ? 0 : 1)], "child": ["#
        }
        s += String(repeating: "]}", count: n) + "]}"
        assertNestingError(s)
    }

    func testBracketsInsideStringsAndCommentsDoNotCount() throws {
        let brackets = String(repeating: "[", count: 2_000)
        let g = try Grammar.parse(text: """
            # \(brackets)
            canvas: {width: 32, height: 32}
            root: A
            rules:
              A: {attributes: {shape: rectangle, size: 4, note: "\(brackets)", other: '\(brackets)'}}
            """, file: "ok.yaml")
        XCTAssertEqual(g.reachableRules, ["A"])
    }

    func testRuleCountIsBoundedAndLongChainsDoNotRecurse() throws {
        func chain(_ n: Int) -> String {
            var text = "canvas: {width: 32, height: 32}\nroot: R0\nrules:\n"
            for i in 0..<n { text += "  R\(i): {children: [R\(i + 1)]}\n" }
            return text + "  R\(n): {}\n"
        }
        XCTAssertThrowsError(try Grammar.parse(text: chain(Grammar.maxRules), file: "chain.yaml")) { error in
            let errors = (error as? InputErrors)?.errors ?? [(error as? InputError)].compactMap { $0 }
            XCTAssertEqual(errors.first?.path, "rules")
            XCTAssertTrue(errors.first?.message.contains("more than the limit of \(Grammar.maxRules)") ?? false, "\(error)")
        }
        let long = try Grammar.parse(text: chain(3_000), file: "chain.yaml")
        XCTAssertEqual(long.reachableRules.count, 3_001)
        XCTAssertEqual(Array(long.reachableRules.prefix(3)), ["R0", "R1", "R2"])
    }

    func testReachableRulesKeepPreOrder() throws {
        let g = try Grammar.parse(text: """
            canvas: {width: 32, height: 32}
            root: A
            rules:
              A: {children: [B, C]}
              B: {children: [D, C]}
              C: {children: [E]}
              D: {}
              E: {}
              F: {}
            """, file: "order.yaml")
        XCTAssertEqual(g.reachableRules, ["A", "B", "D", "C", "E"])
    }
}

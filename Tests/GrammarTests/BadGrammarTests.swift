import Diagnostics
import Foundation
import XCTest
@testable import Grammar

/// The bad-grammar corpus (Fixtures/bad): each file must be rejected with an error at the
/// expected field path whose message contains the expected fragment.
final class BadGrammarTests: XCTestCase {
    /// file → (path, message fragment, line when the parser knows it)
    static let expectations: [String: (path: String, fragment: String)] = [
        "malformed.yaml": ("", "malformed YAML/JSON"),
        "orig-malformed.json": ("", "malformed YAML/JSON"),
        "empty.yaml": ("", "the file is empty"),
        "unknown-kind.yaml": ("rules.A.attributes.x.beta", "unknown key 'beta'"),
        "several-kinds.yaml": ("rules.A.attributes.x", "several distributions"),
        "min-above-max.yaml": ("rules.A.attributes.x.uniform", "min 5.0 is greater than max 1.0"),
        "negative-std.yaml": ("rules.A.attributes.x.gaussian.std", "std must not be negative"),
        "unbounded-recursion.yaml": ("rules.A", "unbounded recursion: A → B → A"),
        "unknown-child-rule.yaml": ("rules.A.children[0]", "unknown rule 'Nope'"),
        "unknown-root.yaml": ("root", "unknown rule 'Missing'"),
        "non-numeric.yaml": ("rules.A.attributes.x.uniform[0]", "expected a number, found 'low'"),
        "infinite-number.yaml": ("rules.A.attributes.x.constant", "expected a finite number"),
        "mutable-without-range.yaml": ("rules.A.attributes.x.mutable", "needs a range"),
        "wrap-without-range.yaml": ("rules.A.attributes.yaw.wrap", "wrap needs a range"),
        "range-min-above-max.yaml": ("rules.A.attributes.x.range", "min 2.0 is greater than max 0.0"),
        "range-on-string.yaml": ("rules.A.attributes.shape.range", "a range needs numeric values"),
        "int-uniform-fraction.yaml": ("rules.A.attributes.n.int_uniform", "whole numbers"),
        "truncation-min-above-max.yaml": ("rules.A.attributes.x.gaussian", "min 3.0 is greater than max -3.0"),
        "weights-count.yaml": ("rules.A.attributes.x.weights", "1 weights for 2 values"),
        "negative-weight.yaml": ("rules.A.class.weights[1]", "weights must not be negative"),
        "negative-count.yaml": ("rules.A.children[0].count", "count must not be negative"),
        "poisson-without-cap.yaml": ("rules.A.children[0].count", "poisson needs a cap"),
        "unknown-store.yaml": ("rules.A.asset.store", "unknown asset store 'fonts'"),
        "missing-store-files.yaml": ("stores.digits.mnist", "no MNIST train files"),
        "asset-class-not-digit.yaml": ("rules.A.asset", "no asset of class 'cat' (its classes are 0, 1, 2, 3, 4, 5, 6, 7, 8, 9)"),
        "bad-canvas.yaml": ("canvas.width", "width must be in 1...8192"),
        "unknown-top-key.yaml": ("canvass", "unknown key 'canvass'"),
        "orig-unknown-kind.json": ("root.child[0].attributes.yaw[0]", "unknown distribution kind 'Poisson'"),
        "orig-negative-std.json": ("root.child[0].attributes.yaw[2]", "std must not be negative"),
        "orig-unknown-mutable.json": ("root.attributes.mutable[0]", "unknown attribute 'rotation'"),
        "orig-unknown-feature.json": ("root.attributes.features[1]", "unknown attribute 'colour'"),
        "orig-missing-asset-dir.json": ("root.attributes.asset_dir", "missing asset files"),
        "orig-num-child-mismatch.json": ("root.num_child[1]", "num_child says 2 but 1 children"),
        "orig-non-numeric.json": ("root.child[0].attributes.loc_x[1]", "expected a number, found 'left'"),
        "orig-uniform-min-above-max.json": ("root.child[0].attributes.loc_x", "min 5.0 is greater than max 3.0"),
        "orig-class-mutable.json": ("root.attributes.mutable[0]", "the class cannot be mutable"),
        "orig-missing-size.json": ("root.attributes.size", "missing size"),
        "orig-mutable-not-feature.json": ("root.attributes.mutable[0]", "'loc_x' is not in features"),
        "orig-bad-class-kind.json": ("root.child[0].class[0]", "unknown class kind 'Sometimes'"),
        "orig-nonpositive-max.json": ("root.child[0].attributes.loc_x[3]", "must be positive"),
    ]

    private func errors(_ name: String) -> [InputError] {
        do {
            _ = try Fixtures.grammar("bad/\(name)")
            return []
        } catch let e as InputErrors {
            return e.errors
        } catch let e as InputError {
            return [e]
        } catch {
            XCTFail("\(name): unexpected error type \(error)")
            return []
        }
    }

    func testEveryBadGrammarIsRejectedAtTheRightPlace() throws {
        let folder = Fixtures.path("Tests/GrammarTests/Fixtures/bad")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        XCTAssertGreaterThanOrEqual(files.count, 25)
        for file in files where file != "several-problems.yaml" {
            guard let expected = BadGrammarTests.expectations[file] else {
                XCTFail("\(file): no expectation listed")
                continue
            }
            let found = errors(file)
            XCTAssertFalse(found.isEmpty, "\(file) was accepted")
            XCTAssert(found.contains { $0.path == expected.path && $0.message.contains(expected.fragment) },
                      "\(file): expected \(expected.path): …\(expected.fragment)…, got \(found.map(\.description))")
            for e in found { XCTAssertEqual(e.file, "bad/\(file)") }
        }
    }

    func testEveryProblemOfAFileIsReportedAtOnceWithLines() {
        let found = errors("several-problems.yaml")
        let paths = Set(found.map(\.path))
        XCTAssert(paths.isSuperset(of: ["rules.A.attributes.x.uniform", "rules.A.attributes.y.gaussian.std", "rules.A.children[0]"]),
                  "\(found.map(\.description))")
        let line = found.first { $0.path == "rules.A.attributes.y.gaussian.std" }?.line
        XCTAssertEqual(line, 7)
    }

    func testSyntaxErrorsCarryALine() {
        let found = errors("malformed.yaml")
        XCTAssertEqual(found.count, 1)
        XCTAssertNotNil(found.first?.line)
    }

    func testMissingFileIsAnInputError() {
        XCTAssertThrowsError(try Grammar.load(path: "/nonexistent/grammar.yaml")) { error in
            XCTAssertEqual((error as? InputError)?.message, "no such file")
        }
    }
}

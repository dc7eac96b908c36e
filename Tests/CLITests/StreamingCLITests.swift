import Foundation
import XCTest

/// `sample` streams in chunks (memory does not grow with --count): the chunk boundaries must
/// not change the bytes.
final class StreamingCLITests: XCTestCase {
    func testSampleAcrossChunkBoundariesEqualsItsParts() throws {
        let grammar = "examples/grammars/shapes.yaml"
        let whole = try CLIRunner.run(["sample", "--grammar", grammar, "--count", "5000", "--seed", "3"])
        XCTAssertEqual(whole.status, 0, whole.err)
        let head = try CLIRunner.run(["sample", "--grammar", grammar, "--count", "4100", "--seed", "3"])
        let tail = try CLIRunner.run(["sample", "--grammar", grammar, "--count", "900", "--seed", "3", "--start", "4100"])
        XCTAssertEqual(whole.out.split(separator: "\n").count, 5000)
        XCTAssertEqual(whole.out, head.out + tail.out)
        let overflow = try CLIRunner.run(["sample", "--grammar", grammar, "--count", "2", "--start", "9223372036854775807"])
        XCTAssertEqual(overflow.status, 2)
        XCTAssertTrue(overflow.err.contains("--start plus --count"), overflow.err)
    }
}

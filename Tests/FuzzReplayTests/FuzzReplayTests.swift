import Foundation
import FuzzEntries
import TestSupport
import XCTest

/// Replays every file of every fuzz corpus (Fuzz/corpus/<target>/) through the same entry
/// functions the libFuzzer binaries call: a crash fails the whole run, as it would in the fuzzer.
/// Seeds named valid-* must be accepted and invalid-* / crash-* rejected, so an entry function
/// that stopped reaching the parser (or a parser that stopped rejecting) fails here too.
final class FuzzReplayTests: XCTestCase {
    func corpus(_ target: FuzzTarget) throws -> [URL] {
        let folder = URL(fileURLWithPath: Repository.path("Fuzz/corpus/\(target.rawValue)"))
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    func testEveryCorpusFileReplaysWithoutCrashing() throws {
        for target in FuzzTarget.allCases {
            let files = try corpus(target)
            XCTAssertTrue(files.contains { $0.lastPathComponent.hasPrefix("valid-") }, "\(target): no valid-* seed")
            for file in files {
                let data = try Data(contentsOf: file)
                let name = file.lastPathComponent
                let ok = target.run(data)
                if name.hasPrefix("valid-") {
                    XCTAssertTrue(ok, "\(target.rawValue)/\(name) should be accepted")
                } else if name.hasPrefix("invalid-") || name.hasPrefix("crash-") {
                    XCTAssertFalse(ok, "\(target.rawValue)/\(name) should be rejected with an error")
                }
            }
        }
    }

    func testEmptyInputIsRejectedByEveryTarget() {
        for target in FuzzTarget.allCases {
            XCTAssertFalse(target.run(Data()), "\(target.rawValue) accepted an empty input")
        }
    }
}

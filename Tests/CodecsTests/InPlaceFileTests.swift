import Diagnostics
import Foundation
import XCTest
@testable import Codecs

final class InPlaceFileTests: XCTestCase {
    func testWritesAndReplacesWithoutTemporaries() throws {
        let dir = try temporaryFolder()
        let path = dir + "/000000.png"
        try InPlaceFile.write(Data([1, 2, 3, 4]), to: path)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), Data([1, 2, 3, 4]))
        try InPlaceFile.write(Data([9]), to: path)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), Data([9]), "a longer old file is truncated")
        let large = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try InPlaceFile.write(large, to: dir + "/large.bin")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir + "/large.bin")), large)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(), ["000000.png", "large.bin"])
    }

    func testRefusesSymbolicLinkAndMissingFolderNamingThePath() throws {
        let dir = try temporaryFolder()
        let target = dir + "/target.txt"
        try Data("keep".utf8).write(to: URL(fileURLWithPath: target))
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.png", withDestinationPath: target)
        XCTAssertThrowsError(try InPlaceFile.write(Data("new".utf8), to: dir + "/link.png")) { error in
            XCTAssertTrue("\(error)".contains(dir + "/link.png"), "\(error)")
        }
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "keep", "never written through a link")
        XCTAssertThrowsError(try InPlaceFile.write(Data("x".utf8), to: dir + "/missing/000000.png")) { error in
            XCTAssertTrue("\(error)".contains(dir + "/missing/000000.png"), "\(error)")
        }
    }
}

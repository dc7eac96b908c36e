import Diagnostics
import Foundation
import XCTest
@testable import Datasets

/// `DatasetChecksums.files(in:)`, the listing every manifest and `metasim verify` are built on:
/// regular files at any depth, sorted; folders walked, not listed; links (to files and to
/// folders, never followed) and FIFOs reported as not regular; the excluded top-level name
/// left out; a name that is not UTF-8 an `InputError` naming the folder.
final class DatasetChecksumsTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "metasim-checksums-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder + "/b/c/d", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/empty", withIntermediateDirectories: true)
        for file in ["z.txt", "a.png", "b/x.png", "b/c/d/deep.json", "metasim-dataset.json"] {
            XCTAssertTrue(FileManager.default.createFile(atPath: folder + "/" + file, contents: Data(file.utf8)))
        }
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func testListsRegularFilesAtEveryDepthAndReportsLinksAndFIFOs() throws {
        try FileManager.default.createSymbolicLink(atPath: folder + "/b/link.png", withDestinationPath: folder + "/a.png")
        try FileManager.default.createSymbolicLink(atPath: folder + "/folder-link", withDestinationPath: folder + "/b")
        XCTAssertEqual(mkfifo(folder + "/b/c/pipe", 0o644), 0)
        var nonRegular: [String] = []
        let files = try DatasetChecksums.files(in: folder, excluding: ["metasim-dataset.json"], nonRegular: &nonRegular)
        XCTAssertEqual(files, ["a.png", "b/c/d/deep.json", "b/x.png", "z.txt"])
        XCTAssertEqual(nonRegular, ["b/c/pipe", "b/link.png", "folder-link"], "sorted")

        let sums = try DatasetChecksums.checksums(of: folder + "/b", excluding: ["link.png", "c"], known: ["x.png": "given"])
        XCTAssertEqual(sums, ["x.png": "given"])
        XCTAssertThrowsError(try DatasetChecksums.checksums(of: folder + "/b", excluding: [])) { error in
            XCTAssertEqual((error as? InputError)?.file, folder + "/b/c/pipe")
        }
    }

    func testNameThatIsNotUTF8IsAnInputErrorNamingItsFolder() throws {
        let bad: [CChar] = Array((folder + "/b/").utf8CString.dropLast()) + [CChar(bitPattern: 0xFF), 0x41, 0]
        let descriptor = open(bad, O_WRONLY | O_CREAT, 0o644)
        XCTAssertGreaterThanOrEqual(descriptor, 0)
        close(descriptor)
        var nonRegular: [String] = []
        XCTAssertThrowsError(try DatasetChecksums.files(in: folder, nonRegular: &nonRegular)) { error in
            let input = error as? InputError
            XCTAssertEqual(input?.file, folder + "/b")
            XCTAssertTrue(input?.message.contains("not UTF-8") ?? false, "\(error)")
        }
    }

    func testMissingFolderIsAnInputError() {
        var nonRegular: [String] = []
        XCTAssertThrowsError(try DatasetChecksums.files(in: folder + "/missing", nonRegular: &nonRegular)) { error in
            XCTAssertEqual((error as? InputError)?.file, folder + "/missing")
        }
    }
}

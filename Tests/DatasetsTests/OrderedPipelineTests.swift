import Foundation
import Parallel
import XCTest

/// `parallelPrepareInOrder`, which every dataset writer appends through (`OrderedAppend`):
/// commits in index order whatever order the items are prepared in, each item prepared once,
/// and at the first failure (in prepare or in commit) the items before it committed and none
/// after it.
final class OrderedPipelineTests: XCTestCase {
    private struct Failure: Error, Equatable { var index: Int }

    /// Items of uneven cost (0-0.6 ms), so that preparing finishes out of order.
    private func work(_ i: Int) -> Int {
        usleep(UInt32((i * 7919) % 13) * 50)
        return i
    }

    func testCommitsInOrderAndPreparesEachItemOnce() throws {
        for count in [0, 1, 2, 3, 17, 500] {
            let lock = NSLock()
            var prepared = [Int](repeating: 0, count: count)
            var committed: [Int] = []
            try parallelPrepareInOrder(count, prepare: { i -> Int in
                lock.lock(); prepared[i] += 1; lock.unlock()
                return work(i)
            }, commit: { committed.append($0) })
            XCTAssertEqual(committed, Array(0..<count), "count \(count)")
            XCTAssertEqual(prepared, [Int](repeating: 1, count: count), "count \(count)")
        }
    }

    func testFirstPrepareFailureStopsWithTheItemsBeforeItCommitted() {
        for failing in [0, 1, 37, 199] {
            var committed: [Int] = []
            XCTAssertThrowsError(try parallelPrepareInOrder(200, prepare: { i -> Int in
                if i == failing || i == failing + 5 { throw Failure(index: i) }
                return work(i)
            }, commit: { committed.append($0) })) { error in
                XCTAssertEqual(error as? Failure, Failure(index: failing))
            }
            XCTAssertEqual(committed, Array(0..<failing))
        }
    }

    func testCommitFailureStopsThere() {
        var committed: [Int] = []
        XCTAssertThrowsError(try parallelPrepareInOrder(300, prepare: { self.work($0) }, commit: { i in
            if i == 123 { throw Failure(index: i) }
            committed.append(i)
        })) { error in
            XCTAssertEqual(error as? Failure, Failure(index: 123))
        }
        XCTAssertEqual(committed, Array(0..<123))
    }
}

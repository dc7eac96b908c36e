import XCTest
@testable import Codecs

final class CodecsSmokeTests: XCTestCase {
    func testModuleLoads() {}
}

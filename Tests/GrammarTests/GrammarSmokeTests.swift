import XCTest
@testable import Grammar

final class GrammarSmokeTests: XCTestCase {
    func testModuleLoads() {}
}

import XCTest
@testable import MetaSim

final class MetaSimSmokeTests: XCTestCase {
    func testModuleLoads() {}
}

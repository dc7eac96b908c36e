import XCTest
@testable import Tensor

final class TensorSmokeTests: XCTestCase {
    func testModuleLoads() {}
}

import XCTest
@testable import Codecs

final class ContactSheetThumbnailTests: XCTestCase {
    func testLargeImagesShrinkToTheCellLimitKeepingAspectSmallOnesStay() {
        let wide = ContactSheet.thumbnail(Image(width: 1024, height: 300, channels: 3, fill: 0.5))
        XCTAssertEqual([wide.width, wide.height, wide.channels], [256, 75, 3])
        XCTAssertEqual(wide.pixels.first ?? 0, 0.5, accuracy: 1e-6)
        let thin = ContactSheet.thumbnail(Image(width: 1, height: 4096, channels: 1))
        XCTAssertEqual([thin.width, thin.height], [1, 256])
        let small = Image(width: 32, height: 20, channels: 1, fill: 0.25)
        XCTAssertEqual(ContactSheet.thumbnail(small), small)
    }
}

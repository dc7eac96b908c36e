import Codecs
import Foundation

extension FuzzEntries {
    /// A PNG file's bytes, through `PNG.decode` whole (whose outcome is returned) and
    /// downsampled while decoding to 5 × 4 (the row-by-row decoder), which must not crash either.
    @discardableResult
    public static func png(_ data: Data) -> Bool {
        _ = try? PNG.decode(data, file: "<fuzz>", atLeast: PixelSize(width: 5, height: 4))
        return accepted { _ = try PNG.decode(data, file: "<fuzz>") }
    }

    /// A JPEG file's bytes, through `JPEG.decode` whole (whose outcome is returned) and at the
    /// smallest DCT scale covering 5 × 4, which must not crash either.
    @discardableResult
    public static func jpeg(_ data: Data) -> Bool {
        _ = try? JPEG.decode(data, file: "<fuzz>", atLeast: PixelSize(width: 5, height: 4))
        return accepted { _ = try JPEG.decode(data, file: "<fuzz>") }
    }
}

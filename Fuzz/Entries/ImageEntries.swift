import Codecs
import Foundation

extension FuzzEntries {
    /// A PNG file's bytes, through `PNG.decode`.
    @discardableResult
    public static func png(_ data: Data) -> Bool {
        accepted { _ = try PNG.decode(data, file: "<fuzz>") }
    }

    /// A JPEG file's bytes, through `JPEG.decode`.
    @discardableResult
    public static func jpeg(_ data: Data) -> Bool {
        accepted { _ = try JPEG.decode(data, file: "<fuzz>") }
    }
}

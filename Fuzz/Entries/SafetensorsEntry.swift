import Foundation
import NN

extension FuzzEntries {
    /// A safetensors file's bytes: the header is validated, then every tensor converted to Float32.
    @discardableResult
    public static func safetensors(_ data: Data) -> Bool {
        accepted {
            let file = try SafetensorsFile(bytes: data, path: "<fuzz>")
            _ = try file.allTensors()
        }
    }
}

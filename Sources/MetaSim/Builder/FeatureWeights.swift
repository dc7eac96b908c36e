import Assets
import Diagnostics
import Foundation
import NN

/// EfficientNet-Lite0 with its ImageNet weights: the file named by `METASIM_EFFICIENTNET` in
/// `environment` when set, else the repository's bundled copy (`data/efficientnet-lite0`,
/// searched from `file`'s folder, the working folder and the executable's). Throws
/// `InputError` when no weights are found or they do not load.
public func bundledFeatureNetwork(near file: String? = nil,
                                  environment: [String: String] = ProcessInfo.processInfo.environment) throws -> EfficientNetLite0 {
    let name = "efficientnet-lite0.safetensors"
    if let path = environment["METASIM_EFFICIENTNET"], !path.isEmpty {
        return try EfficientNetLite0(weightsAt: path)
    }
    let folder = file.map { ($0 as NSString).deletingLastPathComponent }
    guard let path = BundledData.locate(name, in: "efficientnet-lite0", near: folder?.isEmpty == true ? nil : folder) else {
        throw InputError(file: name, message: "EfficientNet-Lite0 weights not found (looked for data/efficientnet-lite0 beside the experiment, the working folder and the executable; set METASIM_EFFICIENTNET to the file)")
    }
    return try EfficientNetLite0(weightsAt: path)
}

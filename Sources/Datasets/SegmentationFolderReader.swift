import Codecs
import Diagnostics
import Foundation

/// A labelled segmentation set on disk: `FOLDER/images/NAME.png|jpg|jpeg` and, for each image,
/// `FOLDER/masks/NAME.png`: an 8-bit greyscale PNG of the same size whose pixel values are
/// class indices (0 = the first class, the background; 1, 2, … the next ones). Palette or
/// 16-bit PNGs are not read as indices: save masks as 8-bit grey ("L" in PIL).
///
/// Files are listed like `ImageFolderReader` (hidden files skipped, sorted by name); pairs are
/// matched by the name without extension.
public struct SegmentationFolderReader: Sendable {
    /// The folder as given.
    public let folder: String
    /// The setting the folder came from (for errors), for example `target.test`.
    public let field: String
    /// Image paths, sorted by file name.
    public let imageFiles: [String]
    /// Mask paths, one per image, in the same order.
    public let maskFiles: [String]

    /// Lists the folder. Throws `InputError` when it, `images/` or `masks/` is missing, when
    /// `images/` holds no image, when an image has no same-named `masks/NAME.png`, or when a
    /// mask has no image.
    public init(folder: String, field: String = "") throws {
        self.folder = folder
        self.field = field
        let imagesFolder = folder + "/images", masksFolder = folder + "/masks"
        for sub in [imagesFolder, masksFolder] where !ImageFolderReader.isFolder(sub) {
            throw InputError(file: sub, path: field, message: "folder not found: a segmentation set is FOLDER/images/*.png|jpg and FOLDER/masks/*.png (same names, class-index masks)")
        }
        let images = try ImageFolderReader.imageFiles(in: imagesFolder, field: field)
        guard !images.isEmpty else { throw InputError(file: imagesFolder, path: field, message: "no PNG or JPEG images in folder") }
        let masks = Set(try ImageFolderReader.imageFiles(in: masksFolder, field: field).filter { $0.lowercased().hasSuffix(".png") })
        let maskFiles = try ImageFolderReader.pairedFiles(images: images, in: imagesFolder, partners: masks, in: masksFolder,
                                                          partnerExtension: "png", noun: "mask", field: field)
        imageFiles = images.map { imagesFolder + "/" + $0 }
        self.maskFiles = maskFiles
    }

    /// Every image converted to `channels` and resized (area averaging) to `width × height`,
    /// and its mask's class indices resized by nearest neighbour to the same size (row-major,
    /// `width · height` per image). Throws `InputError` naming the file for an unreadable file,
    /// a mask that is not single-channel, a mask whose size differs from its image's, and a
    /// mask value that is not a class index below `classCount` (naming the pixel).
    public func loadAll(width: Int, height: Int, channels: Int, classCount: Int) throws -> (images: [Image], labels: [[Int]]) {
        var images: [Image] = [], labels: [[Int]] = []
        for (imagePath, maskPath) in zip(imageFiles, maskFiles) {
            let image = try ImageLoadingOptions(channels: channels).load(imagePath, field: field)
            try Self.checkMaskFormat(maskPath, field: field)
            let mask = try ImageLoadingOptions().load(maskPath, field: field)
            guard mask.width == image.width, mask.height == image.height else {
                throw InputError(file: maskPath, path: field, message: "mask is \(mask.width)x\(mask.height) but its image \(imagePath) is \(image.width)x\(image.height)")
            }
            let indices = mask.pixels.map { Int(($0 * 255).rounded()) }
            if let bad = indices.firstIndex(where: { $0 >= classCount }) {
                throw InputError(file: maskPath, path: field, message: "pixel (x \(bad % mask.width), y \(bad / mask.width)) has value \(indices[bad]), not a class index 0…\(classCount - 1)")
            }
            images.append(image.resized(width: width, height: height))
            labels.append(Self.nearest(indices, width: mask.width, height: mask.height, toWidth: width, toHeight: height))
        }
        return (images, labels)
    }

    /// Throws unless `path` starts like an 8-bit greyscale PNG without alpha (IHDR bit depth 8,
    /// colour type 0): the decoder scales other depths and expands palettes, which would turn
    /// class indices into other numbers.
    static func checkMaskFormat(_ path: String, field: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw InputError(file: path, path: field, message: "cannot open the mask")
        }
        defer { try? handle.close() }
        let header = [UInt8](handle.readData(ofLength: 26))
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard header.count == 26, Array(header[0..<8]) == signature, Array(header[12..<16]) == Array("IHDR".utf8) else {
            throw InputError(file: path, path: field, message: "not a PNG file: masks are 8-bit greyscale PNGs whose values are class indices")
        }
        let (depth, colour) = (header[24], header[25])
        guard depth == 8, colour == 0 else {
            let kind = [0: "greyscale", 2: "RGB", 3: "palette", 4: "greyscale + alpha", 6: "RGBA"][Int(colour)] ?? "colour type \(colour)"
            throw InputError(file: path, path: field, message: "mask is a \(depth)-bit \(kind) PNG: masks must be 8-bit greyscale (one channel, no alpha) whose values are class indices")
        }
    }

    /// `values` (`width × height`, row-major) resampled to `toWidth × toHeight` by nearest
    /// neighbour: output pixel (x, y) takes source pixel (⌊(x + ½)·width / toWidth⌋, same for y),
    /// the pixel whose area holds the output pixel's centre.
    static func nearest(_ values: [Int], width: Int, height: Int, toWidth: Int, toHeight: Int) -> [Int] {
        if width == toWidth && height == toHeight { return values }
        let xs = (0..<toWidth).map { min(width - 1, (2 * $0 + 1) * width / (2 * toWidth)) }
        let ys = (0..<toHeight).map { min(height - 1, (2 * $0 + 1) * height / (2 * toHeight)) }
        return ys.flatMap { y in xs.map { x in values[y * width + x] } }
    }
}

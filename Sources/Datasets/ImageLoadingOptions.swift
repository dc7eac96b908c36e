import Codecs
import Diagnostics
import Scene

/// How readers turn image files into same-shaped `Image`s.
public struct ImageLoadingOptions: Equatable, Sendable {
    /// Target size; when both are nil images keep their size, and then must all have the same.
    public var width: Int?
    /// Target height in pixels; set it together with `width` (one without the other makes loading throw).
    public var height: Int?
    /// Target channels (1, 3 or 4); nil keeps each file's, and then all must have the same.
    public var channels: Int?
    /// How images are resized when a target size is set.
    public var method: ResamplingMethod
    /// When set, larger images are downsampled while decoding to a size still covering this
    /// (`ImageFile.decode(_:file:atLeast:)`): for a caller that resizes to it afterwards, so
    /// that images past `DecodingLimits.maximumPixels` load in bounded memory.
    public var decodeAtLeast: PixelSize?

    /// Options from explicit values; nothing is checked until images are loaded.
    public init(width: Int? = nil, height: Int? = nil, channels: Int? = nil, method: ResamplingMethod = .area,
                decodeAtLeast: PixelSize? = nil) {
        self.width = width
        self.height = height
        self.channels = channels
        self.method = method
        self.decodeAtLeast = decodeAtLeast
    }

    /// Resize to `canvas`'s size and convert to its channels.
    public init(canvas: Canvas, method: ResamplingMethod = .area) {
        self.init(width: canvas.width, height: canvas.height, channels: canvas.channels, method: method)
    }

    /// Decodes `path` and applies the options. `field` names the setting the folder came from
    /// (for example `targets.unlabelled`), for errors.
    func load(_ path: String, field: String) throws -> Image {
        var image: Image
        do {
            image = try ImageFile.read(path, atLeast: decodeAtLeast)
        } catch var error as InputError {
            if error.path.isEmpty { error.path = field }
            throw error
        }
        if let channels {
            guard [1, 3, 4].contains(channels) else {
                throw InputError(file: path, path: field, message: "channels must be 1, 3 or 4, got \(channels)")
            }
            image = image.converted(toChannels: channels)
        }
        if width != nil || height != nil {
            guard let width, let height, width > 0, height > 0 else {
                throw InputError(file: path, path: field, message: "resize needs a positive width and height")
            }
            image = image.resized(width: width, height: height, method: method)
        }
        return image
    }

    /// Decodes every path, all the same shape: resized/converted by these options, or else
    /// required to agree (mixed sizes or channels throw, naming the file).
    func loadAll(_ paths: [String], field: String) throws -> [Image] {
        var images: [Image] = []
        images.reserveCapacity(paths.count)
        for path in paths {
            let image = try load(path, field: field)
            if let first = images.first {
                try ImageLoadingOptions.checkSameShape(image, path: path, as: first, firstPath: paths[0], field: field)
            }
            images.append(image)
        }
        return images
    }

    /// Throws unless `image` has the same shape as `first` (the folder's first image).
    static func checkSameShape(_ image: Image, path: String, as first: Image, firstPath: String, field: String) throws {
        guard image.width == first.width, image.height == first.height else {
            throw InputError(file: path, path: field, message: "image is \(image.width)x\(image.height) but "
                             + "\(firstPath) is \(first.width)x\(first.height); all images of a folder must have one size; resize them first")
        }
        guard image.channels == first.channels else {
            throw InputError(file: path, path: field, message: "image has \(image.channels) channels but "
                             + "\(firstPath) has \(first.channels); all images of a folder must have one channel count; convert them first")
        }
    }
}

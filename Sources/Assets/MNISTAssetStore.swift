import Codecs
import Diagnostics
import Foundation
import Scene

/// Where an MNIST-style image/label pair lives: two IDX files (gzip or plain). As an
/// `AssetSource` it offers the digit classes and loads through `MNISTAssetStore.shared`.
public struct MNISTSource: AssetSource, Codable, Hashable, Sendable {
    /// Path of the IDX image file (rank 3: count × rows × columns bytes), `.gz` or plain.
    public var imagesPath: String
    /// Path of the IDX label file (rank 1: one byte 0–9 per image), `.gz` or plain.
    public var labelsPath: String

    /// Names the two files; nothing is read or checked until the store is loaded.
    public init(imagesPath: String, labelsPath: String) {
        self.imagesPath = imagesPath
        self.labelsPath = labelsPath
    }

    /// The classes of every MNIST store: `"0"` … `"9"`.
    public static let digitClasses = (0...9).map(String.init)

    /// `MNISTSource.digitClasses`.
    public var classes: [String] { MNISTSource.digitClasses }

    /// `MNISTAssetStore.shared(name:source:)`: read once per process.
    public func makeStore(name: String) throws -> any AssetStore {
        try MNISTAssetStore.shared(name: name, source: self)
    }

    /// The file-name pairs looked for in a folder, in order: the original Meta-Sim layout
    /// (`images`, `labels`), then the standard MNIST names of `split` (`train` or `t10k`),
    /// each plain first, then with `.gz`.
    public static func candidateNames(split: String) -> [(String, String)] {
        let bases = [("images", "labels"), ("\(split)-images-idx3-ubyte", "\(split)-labels-idx1-ubyte"),
                     ("\(split)-images.idx3-ubyte", "\(split)-labels.idx1-ubyte")]
        return bases.flatMap { [($0.0, $0.1), ($0.0 + ".gz", $0.1 + ".gz")] }
    }

    /// The first candidate pair (see `candidateNames`) present in `directory`, or nil.
    /// `split` is `"train"` or `"t10k"` (`"test"` is accepted for `"t10k"`).
    public static func locate(directory: String, split: String = "train") -> MNISTSource? {
        let split = split == "test" ? "t10k" : split
        let fm = FileManager.default
        for (images, labels) in candidateNames(split: split) {
            let i = (directory as NSString).appendingPathComponent(images)
            let l = (directory as NSString).appendingPathComponent(labels)
            if fm.fileExists(atPath: i) && fm.fileExists(atPath: l) { return MNISTSource(imagesPath: i, labelsPath: l) }
        }
        return nil
    }
}

/// MNIST digits as assets: classes `"0"` … `"9"`, images 1-channel floats (byte / 255).
///
/// Load through `MNISTAssetStore.shared(name:source:)`: a process-wide cache keyed by the
/// files' paths, so a 60,000-image store is read once however many samples use it.
public final class MNISTAssetStore: AssetStore, @unchecked Sendable {
    /// Store name, as written in `AssetRef.store`.
    public let name: String
    /// Image width in pixels (28 for MNIST), the same for every image.
    public let width: Int
    /// Image height in pixels (28 for MNIST), the same for every image.
    public let height: Int
    /// Number of images.
    public let count: Int
    /// Always `"0"` … `"9"`, whether or not every digit occurs in the label file.
    public let classes: [String] = MNISTSource.digitClasses
    private let pixels: [UInt8]
    private let labels: [UInt8]
    private let byClass: [[Int]]

    /// Reads and checks both files. Throws `InputError` for unreadable files, images that are
    /// not a rank-3 array, labels that are not rank 1, count mismatches and labels above 9.
    public init(name: String, source: MNISTSource) throws {
        let images = try IDXArray.read(path: source.imagesPath)
        let labelArray = try IDXArray.read(path: source.labelsPath)
        guard images.dimensions.count == 3 else {
            throw InputError(file: source.imagesPath, message: "expected images of rank 3 (count, rows, columns), found dimensions \(images.dimensions)")
        }
        guard labelArray.dimensions.count == 1 else {
            throw InputError(file: source.labelsPath, message: "expected labels of rank 1, found dimensions \(labelArray.dimensions)")
        }
        guard images.dimensions[0] == labelArray.dimensions[0] else {
            throw InputError(file: source.labelsPath, message: "\(labelArray.dimensions[0]) labels for \(images.dimensions[0]) images in \(source.imagesPath)")
        }
        var byClass = [[Int]](repeating: [], count: 10)
        for (i, label) in labelArray.bytes.enumerated() {
            guard label <= 9 else {
                throw InputError(file: source.labelsPath, message: "label \(label) of image \(i) is not a digit 0-9")
            }
            byClass[Int(label)].append(i)
        }
        self.name = name
        self.count = images.dimensions[0]
        self.height = images.dimensions[1]
        self.width = images.dimensions[2]
        self.pixels = images.bytes
        self.labels = labelArray.bytes
        self.byClass = byClass
    }

    /// The same images under another store name (the arrays are shared, not copied).
    private init(_ other: MNISTAssetStore, name: String) {
        self.name = name
        count = other.count
        height = other.height
        width = other.width
        pixels = other.pixels
        labels = other.labels
        byClass = other.byClass
    }

    /// Images labelled `className`; 0 for anything but a canonical digit string `"0"`…`"9"`.
    public func count(ofClass className: String) -> Int {
        guard let d = Int(className), d >= 0, d <= 9, String(d) == className else { return 0 }
        return byClass[d].count
    }

    /// Store-wide index of the `k`-th image labelled `className`, in file order. Precondition:
    /// `className` is `"0"`…`"9"` and `k` is in `0..<count(ofClass:)` (traps otherwise).
    public func index(ofClass className: String, _ k: Int) -> Int {
        byClass[Int(className)!][k]
    }

    /// The label of image `index` (0...9). Precondition: `index` in `0..<count`.
    public func label(_ index: Int) -> Int { Int(labels[index]) }

    /// The image `ref.index` as `height × width × 1` floats, byte / 255 in [0, 1] (`ref.store`
    /// is not checked). Throws `InputError` (file = store name) when the index is out of range.
    public func image(_ ref: AssetRef) throws -> Image {
        guard ref.index >= 0 && ref.index < count else {
            throw InputError(file: name, message: "asset index \(ref.index) out of range 0..<\(count)")
        }
        let size = width * height
        let start = ref.index * size
        var values = [Float](repeating: 0, count: size)
        for i in 0..<size { values[i] = Float(pixels[start + i]) / 255 }
        return Image(width: width, height: height, channels: 1, pixels: values)
    }

    private static let cacheLock = NSLock()
    nonisolated(unsafe) private static var cache: [MNISTSource: MNISTAssetStore] = [:]

    /// The store for `source` under `name`. The files are read on first use and their contents
    /// shared afterwards, whatever name later callers give the same files (a grammar may call
    /// the training digits `mnist-train`, another `../../data/mnist`).
    public static func shared(name: String, source: MNISTSource) throws -> MNISTAssetStore {
        cacheLock.lock()
        defer { cacheLock.unlock() }
        if let store = cache[source] { return store.name == name ? store : MNISTAssetStore(store, name: name) }
        let store = try MNISTAssetStore(name: name, source: source)
        cache[source] = store
        return store
    }
}

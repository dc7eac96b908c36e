/// A grid of images in one picture, for eyeballing a dataset (`metasim render --grid`).
public enum ContactSheet {
    /// The most images a sheet shows; later ones are ignored.
    public static let maximumImages = 64

    /// The first `maximumImages` of `images` in a grid, row by row, `columns` wide (default:
    /// ⌈√n⌉), separated and framed by `separator`-pixel lines of value `separatorValue`.
    /// Cells are as large as the largest image; smaller images sit at their cell's top-left on
    /// black, as are unused cells. Channels are the widest among the images (grey is converted to RGB, and RGB to
    /// RGBA, with `Image.converted`). An empty list gives a 1×1 black grey image.
    public static func make(_ images: [Image], columns: Int? = nil, separator: Int = 1,
                            separatorValue: Float = 0.5) -> Image {
        let shown = Array(images.prefix(maximumImages))
        guard !shown.isEmpty else { return Image(width: 1, height: 1, channels: 1) }
        let channels = shown.map(\.channels).max()!
        let cellWidth = shown.map(\.width).max()!, cellHeight = shown.map(\.height).max()!
        let columnCount = max(1, min(columns ?? Int(Double(shown.count).squareRoot().rounded(.up)), shown.count))
        let rowCount = (shown.count + columnCount - 1) / columnCount
        let gap = max(0, separator)
        let width = columnCount * (cellWidth + gap) + gap
        let height = rowCount * (cellHeight + gap) + gap
        var sheet = Image(width: width, height: height, channels: channels, fill: separatorValue)
        let blank = Image(width: 0, height: 0, channels: channels)
        for n in 0..<rowCount * columnCount {
            let cell = n < shown.count ? shown[n].converted(toChannels: channels) : blank
            let left = gap + (n % columnCount) * (cellWidth + gap)
            let top = gap + (n / columnCount) * (cellHeight + gap)
            for y in 0..<cellHeight {
                for x in 0..<cellWidth {
                    let d = ((top + y) * width + left + x) * channels
                    let inside = y < cell.height && x < cell.width
                    for k in 0..<channels {
                        sheet.pixels[d + k] = inside ? cell.pixels[(y * cell.width + x) * channels + k] : 0
                    }
                }
            }
        }
        return sheet
    }

    /// The largest cell side `thumbnail` keeps, in pixels.
    public static let maximumCellSide = 256

    /// `image` shrunk (area resampling, aspect kept, each side at least 1) so that neither side
    /// exceeds `maximumCellSide`; unchanged when it already fits. Collect these rather than
    /// full images for a sheet: 64 full 8192 × 8192 RGB images would take 48 GiB.
    public static func thumbnail(_ image: Image) -> Image {
        let longest = max(image.width, image.height)
        guard longest > maximumCellSide else { return image }
        let scale = Double(maximumCellSide) / Double(longest)
        return image.resized(width: max(1, Int((Double(image.width) * scale).rounded())),
                             height: max(1, Int((Double(image.height) * scale).rounded())), method: .area)
    }

    /// Makes the sheet and writes it as PNG to `path` (atomically).
    public static func write(_ images: [Image], to path: String, columns: Int? = nil) throws {
        try PNG.write(make(images, columns: columns), to: path)
    }
}

/// How `Image.resized` computes each output pixel.
public enum ResamplingMethod: String, Codable, Sendable, CaseIterable {
    /// Bilinear interpolation between the 2×2 nearest source pixels, pixel centres aligned
    /// (half-pixel convention, edges clamped): smooth for enlarging, aliases when shrinking a lot.
    case bilinear
    /// Area averaging: each output pixel is the mean of the source area it covers, partial pixels
    /// weighted by overlap. Exact for integer shrink factors; the choice for downscaling.
    case area
}

extension Image {
    /// This image resampled to `width × height` (same channels). Returns `self` when the size
    /// is unchanged. Separable: rows first, then columns, each with a per-axis weight table.
    ///
    /// Precondition: `width`, `height` ≥ 1 and the image is not empty. NaN values propagate
    /// to the output pixels whose footprint contains them.
    public func resized(width newWidth: Int, height newHeight: Int, method: ResamplingMethod = .area) -> Image {
        precondition(newWidth > 0 && newHeight > 0 && width > 0 && height > 0, "Image.resized: empty size")
        if newWidth == width && newHeight == height { return self }
        let xTaps = ResamplingTaps(source: width, target: newWidth, method: method)
        let yTaps = ResamplingTaps(source: height, target: newHeight, method: method)
        let c = channels
        // Horizontal pass: height × newWidth.
        var rows = [Float](repeating: 0, count: height * newWidth * c)
        pixels.withUnsafeBufferPointer { src in
            rows.withUnsafeMutableBufferPointer { dst in
                for y in 0..<height {
                    for x in 0..<newWidth {
                        let out = (y * newWidth + x) * c
                        for t in xTaps.range(x) {
                            let w = xTaps.weights[t], s = (y * width + xTaps.indices[t]) * c
                            for k in 0..<c { dst[out + k] += w * src[s + k] }
                        }
                    }
                }
            }
        }
        // Vertical pass: newHeight × newWidth.
        var out = [Float](repeating: 0, count: newHeight * newWidth * c)
        rows.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let rowLength = newWidth * c
                for y in 0..<newHeight {
                    let o = y * rowLength
                    for t in yTaps.range(y) {
                        let w = yTaps.weights[t], s = yTaps.indices[t] * rowLength
                        for i in 0..<rowLength { dst[o + i] += w * src[s + i] }
                    }
                }
            }
        }
        return Image(width: newWidth, height: newHeight, channels: c, pixels: out)
    }
}

/// For each output index along one axis: which source indices contribute and with what
/// weights (summing to 1), stored flat with per-output start offsets.
struct ResamplingTaps {
    var starts: [Int] = [0]
    var indices: [Int] = []
    var weights: [Float] = []

    func range(_ output: Int) -> Range<Int> { starts[output]..<starts[output + 1] }

    init(source: Int, target: Int, method: ResamplingMethod) {
        let scale = Double(source) / Double(target)
        for o in 0..<target {
            switch method {
            case .bilinear:
                let centre = (Double(o) + 0.5) * scale - 0.5
                let lower = Int(centre.rounded(.down))
                let f = centre - Double(lower)
                add(min(max(lower, 0), source - 1), 1 - f)
                add(min(max(lower + 1, 0), source - 1), f)
            case .area:
                let start = Double(o) * scale, end = Double(o + 1) * scale
                var i = Int(start.rounded(.down))
                while Double(i) < end && i < source {
                    let overlap = min(end, Double(i + 1)) - max(start, Double(i))
                    if overlap > 1e-12 { add(i, overlap / scale) }
                    i += 1
                }
            }
            starts.append(indices.count)
        }
    }

    private mutating func add(_ index: Int, _ weight: Double) {
        guard weight != 0 else { return }
        indices.append(index)
        weights.append(Float(weight))
    }
}

/// Simple drawing on images, for previews: filled and outlined rectangles, mask tints, and
/// enlarging by pixel repetition. Coordinates are pixels from the top-left; anything outside
/// the image is clipped. A `color` holds one value in [0, 1] per channel (a shorter one is
/// repeated, so `[1]` is white in any image).
extension Image {
    private func value(_ color: [Float], _ k: Int) -> Float { color.isEmpty ? 0 : color[k % color.count] }

    /// Fills the rectangle `x..<x+width`, `y..<y+height` with `color`.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, color: [Float]) {
        let x0 = max(0, x), x1 = min(width, x + w), y0 = max(0, y), y1 = min(height, y + h)
        guard x0 < x1, y0 < y1 else { return }
        for row in y0..<y1 {
            for col in x0..<x1 {
                for k in 0..<channels { pixels[(row * width + col) * channels + k] = value(color, k) }
            }
        }
    }

    /// Outlines the rectangle `x..<x+width`, `y..<y+height` with lines `thickness` pixels wide,
    /// drawn inside it.
    public mutating func outline(x: Int, y: Int, width w: Int, height h: Int, thickness: Int = 1, color: [Float]) {
        let t = max(1, min(thickness, w, h))
        fill(x: x, y: y, width: w, height: t, color: color)
        fill(x: x, y: y + h - t, width: w, height: t, color: color)
        fill(x: x, y: y, width: t, height: h, color: color)
        fill(x: x + w - t, y: y, width: t, height: h, color: color)
    }

    /// Mixes `color` into the pixels where `mask` (row-major, `width × height`) is true, by
    /// `alpha` in [0, 1]. A mask of another size is ignored.
    public mutating func tint(mask: [Bool], color: [Float], alpha: Float) {
        guard mask.count == width * height else { return }
        for p in 0..<mask.count where mask[p] {
            for k in 0..<channels {
                let i = p * channels + k
                pixels[i] = pixels[i] * (1 - alpha) + value(color, k) * alpha
            }
        }
    }

    /// The image enlarged `factor` (≥ 1) times by repeating each pixel (sharp edges, for small
    /// images such as 32 × 32 digits).
    public func enlarged(by factor: Int) -> Image {
        let f = max(1, factor)
        guard f > 1 else { return self }
        var out = Image(width: width * f, height: height * f, channels: channels)
        for y in 0..<out.height {
            for x in 0..<out.width {
                let s = ((y / f) * width + x / f) * channels, d = (y * out.width + x) * channels
                for k in 0..<channels { out.pixels[d + k] = pixels[s + k] }
            }
        }
        return out
    }
}

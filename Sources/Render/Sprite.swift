import Codecs
import Diagnostics

/// An asset image prepared for drawing: an alpha plane and, when the image has colour, colour
/// planes premultiplied by alpha, both with a one-texel border of zeros so bilinear sampling near
/// the edge fades to transparent without bounds checks.
///
/// - Grey images (1 channel, like MNIST digits) are alpha masks: alpha = grey, colour = white,
///   so the node's tint is the colour drawn.
/// - RGB images are opaque (alpha 1) inside their bounds.
/// - RGBA images use their alpha; colour is premultiplied here.
/// For a grey canvas colour images are reduced to luminance (0.299 R + 0.587 G + 0.114 B).
///
/// The planes live in a `SpritePlanes`. A sprite made by `init(image:…)` owns it (a reference).
/// The renderer's sprite cache hands out `borrowed()` copies instead, which point at the cache's
/// planes without a reference: copying a layer then touches no reference count that every
/// rendering thread shares (an atomic on a cache line the other threads read). A borrowed sprite
/// is valid while the cache holds its planes, which it does for its own lifetime (`SpriteCache`);
/// layers live within one call of the renderer that owns the cache.
struct Sprite: @unchecked Sendable {
    /// Size of the asset in texels (without the border).
    let width: Int
    let height: Int
    /// `(width + 2) × (height + 2)` alpha values, row-major, border zero.
    let alpha: UnsafePointer<Float>
    /// `(width + 2) × (height + 2) × channels` premultiplied colour, or nil when the colour is
    /// uniformly white (grey alpha-mask sprites), in which case colour equals alpha.
    let colour: UnsafePointer<Float>?
    /// The planes' owner; nil for a borrowed sprite.
    private let planes: SpritePlanes?
    let channels: Int
    /// Texel range `[x0, x1) × [y0, y1)` holding every non-zero alpha (all zero: empty range).
    /// Drawing iterates only where this range can reach.
    let ink: (x0: Int, y0: Int, x1: Int, y1: Int)

    /// Throws when the image is empty, has an unsupported channel count or a non-finite value.
    init(image: Image, canvasChannels: Int, what: String) throws {
        guard image.width > 0, image.height > 0 else {
            throw InputError(file: what, message: "asset image is empty (\(image.width)x\(image.height))")
        }
        guard [1, 3, 4].contains(image.channels) else {
            throw InputError(file: what, message: "asset image has \(image.channels) channels; expected 1, 3 or 4")
        }
        if let bad = image.pixels.firstIndex(where: { !$0.isFinite }) {
            throw InputError(file: what, message: "asset image has a non-finite value at index \(bad)")
        }
        width = image.width
        height = image.height
        channels = canvasChannels
        let pw = width + 2
        var a = [Float](repeating: 0, count: pw * (height + 2))
        var c: [Float]? = image.channels == 1 ? nil : [Float](repeating: 0, count: pw * (height + 2) * canvasChannels)
        let ic = image.channels
        for y in 0..<height {
            for x in 0..<width {
                let src = (y * width + x) * ic
                let dst = (y + 1) * pw + (x + 1)
                if ic == 1 {
                    a[dst] = image.pixels[src]
                    continue
                }
                let alphaValue: Float = ic == 4 ? image.pixels[src + 3] : 1
                a[dst] = alphaValue
                let r = image.pixels[src], g = image.pixels[src + 1], b = image.pixels[src + 2]
                if canvasChannels == 1 {
                    c![dst] = alphaValue * (0.299 * r + 0.587 * g + 0.114 * b)
                } else {
                    c![dst * 3] = alphaValue * r
                    c![dst * 3 + 1] = alphaValue * g
                    c![dst * 3 + 2] = alphaValue * b
                }
            }
        }
        let planes = SpritePlanes(alpha: a, colour: c)
        self.planes = planes
        alpha = planes.alpha
        colour = planes.colour
        var x0 = width, y0 = height, x1 = 0, y1 = 0
        for y in 0..<height {
            for x in 0..<width where a[(y + 1) * pw + x + 1] != 0 {
                x0 = min(x0, x); x1 = max(x1, x + 1); y0 = min(y0, y); y1 = max(y1, y + 1)
            }
        }
        ink = (x0, y0, x1, y1)
    }

    private init(_ other: Sprite, planes: SpritePlanes?) {
        (width, height, channels, ink) = (other.width, other.height, other.channels, other.ink)
        (alpha, colour) = (other.alpha, other.colour)
        self.planes = planes
    }

    /// This sprite's planes without a reference to them: valid only while this sprite (or
    /// another reference to its planes) lives.
    func borrowed() -> Sprite { Sprite(self, planes: nil) }

    /// Calls `body` with an owning sprite's planes kept alive for the call (a borrowed sprite's
    /// live as long as the cache that lent them).
    @inline(__always) func withPlanes<R>(_ body: () -> R) -> R { withExtendedLifetime(planes, body) }
}

/// A sprite's alpha and colour planes, in memory of their own (not next to a reference count).
final class SpritePlanes: @unchecked Sendable {
    let alpha: UnsafePointer<Float>
    let colour: UnsafePointer<Float>?

    init(alpha: [Float], colour: [Float]?) {
        self.alpha = Self.copy(alpha)
        self.colour = colour.map(Self.copy)
    }

    private static func copy(_ values: [Float]) -> UnsafePointer<Float> {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: max(values.count, 1))
        _ = UnsafeMutableBufferPointer(start: p, count: values.count).initialize(from: values)
        return UnsafePointer(p)
    }

    deinit {
        UnsafeMutablePointer(mutating: alpha).deallocate()
        colour.map { UnsafeMutablePointer(mutating: $0).deallocate() }
    }
}

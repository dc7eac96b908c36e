/// How a convolution or pooling window pads its input.
public enum Padding: Sendable, Equatable {
    /// No padding.
    case valid
    /// TensorFlow "SAME": output size ceil(n / stride); total pad
    /// max((ceil(n/s) - 1)·s + k - n, 0), the smaller half before, the larger after.
    case same
    /// Explicit pads (may be asymmetric).
    case explicit(top: Int, bottom: Int, left: Int, right: Int)

    /// Symmetric explicit padding `p` on every side.
    public static func symmetric(_ p: Int) -> Padding { .explicit(top: p, bottom: p, left: p, right: p) }
}

/// Resolved geometry of a 2-d sliding window over an [N, C, H, W] input.
public struct ConvGeometry: Sendable, Equatable {
    /// Input batch size, channels, height and width (pixels), from the [N, C, H, W] shape.
    public var n, c, h, w: Int
    /// Window height and width in pixels (always positive).
    public var kh, kw: Int
    /// Vertical and horizontal stride in pixels (always positive).
    public var sh, sw: Int
    /// Zero-padding added on each side, in pixels, after resolving `Padding` (never negative).
    public var padTop, padBottom, padLeft, padRight: Int
    /// Output height and width: ⌊(padded size − kernel) / stride⌋ + 1, at least 1.
    public var oh, ow: Int

    /// - Precondition: kernel and stride positive, padding non-negative, output non-empty.
    public init(input: [Int], kernel: (Int, Int), stride: (Int, Int), padding: Padding, op: String) {
        precondition(input.count == 4, "\(op): input shape \(input) is not [N, C, H, W]")
        (n, c, h, w) = (input[0], input[1], input[2], input[3])
        (kh, kw) = kernel
        (sh, sw) = stride
        precondition(kh > 0 && kw > 0 && sh > 0 && sw > 0,
                     "\(op): kernel \(kernel) and stride \(stride) must be positive (input \(input))")
        func same(_ size: Int, _ k: Int, _ s: Int) -> (Int, Int) {
            let total = Swift.max(((size + s - 1) / s - 1) * s + k - size, 0)
            return (total / 2, total - total / 2)
        }
        switch padding {
        case .valid: (padTop, padBottom, padLeft, padRight) = (0, 0, 0, 0)
        case .same:
            (padTop, padBottom) = same(h, kh, sh)
            (padLeft, padRight) = same(w, kw, sw)
        case let .explicit(t, b, l, r):
            precondition(t >= 0 && b >= 0 && l >= 0 && r >= 0, "\(op): negative padding \(padding)")
            (padTop, padBottom, padLeft, padRight) = (t, b, l, r)
        }
        let hp = h + padTop + padBottom, wp = w + padLeft + padRight
        precondition(hp >= kh && wp >= kw,
                     "\(op): kernel \(kernel) larger than padded input \([hp, wp]) (input \(input))")
        oh = (hp - kh) / sh + 1
        ow = (wp - kw) / sw + 1
    }

    /// Range of output columns ox whose input column ox·sw − padLeft + j lies inside [0, w).
    @inline(__always)
    func validOutputRange(tap j: Int, stride s: Int, pad: Int, inSize: Int, outSize: Int) -> Range<Int> {
        // ox*s - pad + j >= 0  →  ox >= ceil((pad - j) / s)
        let lo = Swift.max(0, (pad - j + s - 1) >= 0 ? (pad - j + s - 1) / s : 0)
        // ox*s - pad + j <= inSize - 1  →  ox <= floor((inSize - 1 + pad - j) / s)
        let top = inSize - 1 + pad - j
        let hi = top < 0 ? 0 : Swift.min(outSize, top / s + 1)
        return lo < hi ? lo..<hi : 0..<0
    }

    func columns(tap j: Int) -> Range<Int> { validOutputRange(tap: j, stride: sw, pad: padLeft, inSize: w, outSize: ow) }
    func rows(tap i: Int) -> Range<Int> { validOutputRange(tap: i, stride: sh, pad: padTop, inSize: h, outSize: oh) }

    /// For every kernel tap (i, j) and every output row oy it reaches, calls
    /// `body(tap, outRowOffset, inRowOffset, validColumns)`: output row oy starts at
    /// `outRowOffset`, and output column ox reads input `inRowOffset + ox·sw`. Taps run in a
    /// fixed order (row-major), rows in increasing order.
    @inline(__always)
    func forEachTapRow(_ body: (Int, Int, Int, Range<Int>) -> Void) {
        for i in 0..<kh {
            let yr = rows(tap: i)
            for j in 0..<kw {
                let xr = columns(tap: j)
                if xr.isEmpty { continue }
                for oy in yr { body(i * kw + j, oy * ow, (oy * sh - padTop + i) * w - padLeft + j, xr) }
            }
        }
    }
}

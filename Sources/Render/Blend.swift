/// How a layer combines with what is under it, per channel: premultiplied source `s`, alpha `a`.
enum BlendMode: String, Sendable {
    /// `out = s + (1 − a) · under`.
    case over
    /// `out = max(under, s)`.
    case max
}

/// One channel after blending `src` (alpha `a`) onto `under`: `over` (true) or `max`. The
/// forward step of every draw loop.
@inline(__always) func blend(_ src: Float, alpha a: Float, under: Float, over: Bool) -> Float {
    over ? src + (1 - a) * under : max(under, src)
}

/// The reverse of `blend` for one channel: from `g` = dL/d out, dL/d `src`, dL/d `a` and
/// dL/d `under`. `max` sends the gradient to the larger input, to `under` on ties.
@inline(__always) func blendBackward(_ g: Float, src: Float, alpha a: Float, under u: Float,
                                     over: Bool) -> (dSrc: Float, dAlpha: Float, dUnder: Float) {
    if over { return (g, -(g * u), g * (1 - a)) }
    return src > u ? (g, 0, 0) : (0, 0, g)
}

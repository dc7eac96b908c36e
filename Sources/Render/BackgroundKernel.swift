import Foundation

/// Per-pixel values of background fills. Each fill is linear in its colour parameters:
/// `value = tint · w_t(b) + end · w_e(b) + amplitude · w_a(b)` with a per-pixel factor `b`
/// (`basis`), so the same numbers serve the forward value and the gradient.
struct BackgroundKernel {
    enum Kind { case constant, gradient, noise, image }
    let kind: Kind
    /// `width × height × channels` factors: gradient → t in [0, 1]; noise → n − 0.5; image → the
    /// image's value. Nil for constant fills (factor 1).
    let basis: [Float]?

    init(fill: BackgroundFill, width: Int, height: Int, channels: Int) {
        switch fill {
        case .constant:
            kind = .constant
            basis = nil
        case .gradient(let angle):
            kind = .gradient
            // Counter-clockwise on screen (y down): direction (cos, −sin).
            let d = SIMD2<Float>(cos(angle), -sin(angle))
            let span = max(abs(d.x) * Float(width) + abs(d.y) * Float(height), 1e-6)
            basis = Self.plane(width, height, channels) { x, y, _ in
                let px = Float(x) + 0.5 - Float(width) / 2, py = Float(y) + 0.5 - Float(height) / 2
                return min(max((px * d.x + py * d.y) / span + 0.5, 0), 1)
            }
        case .noise(let cell, let seed):
            kind = .noise
            basis = Self.plane(width, height, channels) { x, y, _ in
                valueNoise((Float(x) + 0.5) / cell, (Float(y) + 0.5) / cell, seed: seed) - 0.5
            }
        case .image(let sprite):
            kind = .image
            // Stretched over the canvas; clamped to the edge texels (no fade at the border).
            basis = withKernel(Layer(content: .sprite(sprite), node: 0, className: "", parameters: .zero, blend: .over, links: [])) { k in
                Self.plane(width, height, channels) { x, y, c in
                    let tu = min(max((Float(x) + 0.5) * Float(sprite.width) / Float(width) - 0.5, 0), Float(sprite.width - 1))
                    let tv = min(max((Float(y) + 0.5) * Float(sprite.height) / Float(height) - 0.5, 0), Float(sprite.height - 1))
                    if let colour = k.colour {
                        return sampleBordered(colour, paddedWidth: sprite.width + 2, width: sprite.width, height: sprite.height,
                                              stride: channels, offset: c, tu, tv)
                    }
                    return sampleBordered(k.alpha!, paddedWidth: sprite.width + 2, width: sprite.width, height: sprite.height,
                                          stride: 1, offset: 0, tu, tv)
                }
            }
        }
    }

    private static func plane(_ width: Int, _ height: Int, _ channels: Int, _ f: (Int, Int, Int) -> Float) -> [Float] {
        var out = [Float](repeating: 0, count: width * height * channels)
        for y in 0..<height { for x in 0..<width { for c in 0..<channels { out[(y * width + x) * channels + c] = f(x, y, c) } } }
        return out
    }

    /// `(w_t, w_e, w_a)` for factor `b`.
    @inline(__always) func weights(_ b: Float) -> SIMD3<Float> {
        switch kind {
        case .constant: return SIMD3(1, 0, 0)
        case .gradient: return SIMD3(1 - b, b, 0)
        case .noise: return SIMD3(1, 0, b)
        case .image: return SIMD3(b, 0, 0)
        }
    }
}

/// Smooth value noise in [0, 1]: random values on the integer lattice (a hash of the seed and the
/// lattice point) blended with a smoothstep. Deterministic for a seed, independent of threads.
@inline(__always) func valueNoise(_ x: Float, _ y: Float, seed: UInt64) -> Float {
    let fx = x.rounded(.down), fy = y.rounded(.down)
    let ix = Int64(fx), iy = Int64(fy)
    let tx = x - fx, ty = y - fy
    let sx = tx * tx * (3 - 2 * tx), sy = ty * ty * (3 - 2 * ty)
    let v00 = latticeValue(ix, iy, seed), v10 = latticeValue(ix + 1, iy, seed)
    let v01 = latticeValue(ix, iy + 1, seed), v11 = latticeValue(ix + 1, iy + 1, seed)
    let top = v00 + (v10 - v00) * sx
    let bottom = v01 + (v11 - v01) * sx
    return top + (bottom - top) * sy
}

@inline(__always) private func latticeValue(_ x: Int64, _ y: Int64, _ seed: UInt64) -> Float {
    // SplitMix64 finaliser over the combined coordinates.
    var z = seed &+ UInt64(bitPattern: x) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(bitPattern: y) &* 0xC2B2_AE3D_27D4_EB4F
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    return Float(z >> 40) / Float(1 << 24)
}

import Foundation

/// Per-pixel values of background fills. Each fill is linear in its colour parameters, so the
/// same `basis` serves the forward value and the gradient.
struct BackgroundKernel {
    let fill: BackgroundFill
    let width: Int
    let height: Int
    /// For gradients: unit direction and the span of the canvas along it.
    private let direction: SIMD2<Float>
    private let span: Float

    init(fill: BackgroundFill, width: Int, height: Int) {
        self.fill = fill
        self.width = width
        self.height = height
        if case .gradient(let angle) = fill {
            // Counter-clockwise on screen (y down): direction (cos, −sin).
            direction = SIMD2(cos(angle), -sin(angle))
            span = max(abs(direction.x) * Float(width) + abs(direction.y) * Float(height), 1e-6)
        } else {
            direction = SIMD2(1, 0)
            span = 1
        }
    }

    /// The fill-dependent factor at pixel centre `(x + 0.5, y + 0.5)`, channel `c`:
    /// gradient → t in [0, 1]; noise → n − 0.5; image → the image's value; constant → 1.
    @inline(__always) func basis(x: Int, y: Int, channel c: Int, channels: Int) -> Float {
        switch fill {
        case .constant:
            return 1
        case .gradient:
            let px = Float(x) + 0.5 - Float(width) / 2, py = Float(y) + 0.5 - Float(height) / 2
            return min(max((px * direction.x + py * direction.y) / span + 0.5, 0), 1)
        case .noise(let cell, let seed):
            return valueNoise((Float(x) + 0.5) / cell, (Float(y) + 0.5) / cell, seed: seed) - 0.5
        case .image(let sprite):
            // Stretch over the canvas; clamp to the edge texels (no fade at the border).
            let tu = min(max((Float(x) + 0.5) * Float(sprite.width) / Float(width) - 0.5, 0), Float(sprite.width - 1))
            let tv = min(max((Float(y) + 0.5) * Float(sprite.height) / Float(height) - 0.5, 0), Float(sprite.height - 1))
            return sprite.alpha.withUnsafeBufferPointer { a in
                if let colour = sprite.colour {
                    return colour.withUnsafeBufferPointer { col in
                        sampleBordered(col.baseAddress!, paddedWidth: sprite.width + 2, width: sprite.width, height: sprite.height,
                                       stride: channels, offset: c, tu, tv)
                    }
                }
                return sampleBordered(a.baseAddress!, paddedWidth: sprite.width + 2, width: sprite.width, height: sprite.height,
                                      stride: 1, offset: 0, tu, tv)
            }
        }
    }

    /// The fill's colour at a pixel, channel `c`, given the layer's parameters.
    @inline(__always) func value(x: Int, y: Int, channel c: Int, channels: Int, layer: Layer) -> Float {
        let tint = layer.parameters[LayerParameter.tintR.rawValue + c]
        let b = basis(x: x, y: y, channel: c, channels: channels)
        switch fill {
        case .constant: return tint
        case .gradient: return tint * (1 - b) + layer.parameters[LayerParameter.endR.rawValue + c] * b
        case .noise: return tint + layer[.noiseAmplitude] * b
        case .image: return tint * b
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

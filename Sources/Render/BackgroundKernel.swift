import Foundation

/// Per-pixel values of background fills. Each fill is linear in its colour parameters:
/// `value = tint · w_t(b) + end · w_e(b) + amplitude · w_a(b)` with a per-pixel factor `b`
/// (`basis`), so the same numbers serve the forward value and the gradient.
struct BackgroundKernel {
    enum Kind { case constant, gradient, noise, image }
    let kind: Kind
    /// Per-pixel factors: gradient → t in [0, 1]; noise → n − 0.5 (both `width × height`, shared
    /// by all channels); image → the image's value (`width × height × channels`). Nil for constant
    /// fills (factor 1).
    let basis: [Float]?
    /// Values per pixel in `basis`: 1 (gradient, noise) or the channel count (image).
    private var basisStride = 1

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
            basis = Self.plane(width, height, 1) { x, y, _ in
                let px = Float(x) + 0.5 - Float(width) / 2, py = Float(y) + 0.5 - Float(height) / 2
                return min(max((px * d.x + py * d.y) / span + 0.5, 0), 1)
            }
        case .noise(let cell, let seed):
            kind = .noise
            basis = valueNoisePlane(width: width, height: height, cell: cell, seed: seed, minus: 0.5)
        case .image(let sprite):
            kind = .image
            basisStride = channels
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

    /// The factor of pixel `p` (row-major index), channel `c`.
    @inline(__always) func factor(_ p: Int, _ c: Int) -> Float {
        guard let basis else { return 1 }
        return basisStride == 1 ? basis[p] : basis[p &* basisStride &+ c]
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
    let (fx, sx) = latticeCoordinate(x), (fy, sy) = latticeCoordinate(y)
    let ix = Int64(fx), iy = Int64(fy)
    return bilinear(latticeValue(ix, iy, seed), latticeValue(ix + 1, iy, seed),
                    latticeValue(ix, iy + 1, seed), latticeValue(ix + 1, iy + 1, seed), sx, sy)
}

/// The smallest noise cell, in pixels: smaller cells (down to 1e-300, whose `Float` is 0) are
/// treated as this one. Below a pixel every pixel already gets its own lattice cell (white
/// noise), so nothing visible changes, and lattice coordinates stay far inside `Int64`.
let minimumNoiseCell: Float = 1.0 / 1024

/// `valueNoise` at every pixel centre of a `width × height` canvas, sampled at
/// `(x + 0.5) / cell, (y + 0.5) / cell` (`cell` in pixels, at least `minimumNoiseCell`): the
/// same values, with each lattice value hashed once, each less `offset` (subtracted as it is
/// written). Work and memory are O(width × height) whatever the cell: a lattice larger than the
/// canvas (sub-pixel cells) is not materialised.
func valueNoisePlane(width: Int, height: Int, cell requestedCell: Float, seed: UInt64, minus offset: Float = 0) -> [Float] {
    guard let grid = ValueNoiseLattice(width: width, height: height, cell: requestedCell, seed: seed) else {
        let cell = ValueNoiseLattice.effectiveCell(requestedCell)
        var out = [Float](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                out[y * width + x] = valueNoise((Float(x) + 0.5) / cell, (Float(y) + 0.5) / cell, seed: seed) - offset
            }
        }
        return out
    }
    // The bilinear blend `top + (bottom − top)·sy` with `top`, `bottom` the lattice rows blended
    // along x: those two rows depend only on the lattice row, so they are blended once per
    // lattice row (the same operations per value as `bilinear`), and each pixel row is one
    // vector loop.
    var lines = [Float](repeating: 0, count: 2 * width)  // the lattice rows j and j + 1 blended along x
    var lineRow = -2
    let out = [Float](unsafeUninitializedCapacity: width * height) { out, count in
        lines.withUnsafeMutableBufferPointer { lines in
            let (top, bottom) = (lines.baseAddress!, lines.baseAddress! + width)
            for y in 0..<height {
                let j = Int(grid.rowCells[y]), sy = grid.rowWeights[y]
                if j != lineRow {
                    if j == lineRow + 1 { top.update(from: bottom, count: width) } else { grid.blendRow(j, into: top) }
                    grid.blendRow(j + 1, into: bottom)
                    lineRow = j
                }
                let o = out.baseAddress! + y * width
                for x in 0..<width { o[x] = top[x] + (bottom[x] - top[x]) * sy - offset }
            }
        }
        count = width * height
    }
    return out
}

/// What `valueNoisePlane` samples, for a canvas whose lattice is not larger than the canvas:
/// the lattice values hashed once, and each pixel column's and row's lattice cell and
/// smoothstep weight (every row samples the same columns).
struct ValueNoiseLattice {
    /// Lattice values, `columns` per lattice row.
    let values: [Float]
    let columns: Int
    /// Per pixel column (row): its lattice cell, below `columns − 1` (the lattice's rows − 1),
    /// and the weight of the next lattice point.
    let columnCells: [Int32], columnWeights: [Float]
    let rowCells: [Int32], rowWeights: [Float]

    /// The cell used for `requested`: at least `minimumNoiseCell` (NaN: that).
    static func effectiveCell(_ requested: Float) -> Float {
        requested.isNaN ? minimumNoiseCell : max(requested, minimumNoiseCell)
    }

    /// Nil when the lattice would exceed four times the canvas (sub-pixel cells): then every
    /// pixel is sampled by itself.
    init?(width: Int, height: Int, cell requestedCell: Float, seed: UInt64) {
        let cell = Self.effectiveCell(requestedCell)
        let colsEstimate = (Float(width) / cell).rounded(.down) + 2, rowsEstimate = (Float(height) / cell).rounded(.down) + 2
        guard colsEstimate * rowsEstimate <= Float(4 * (width + 2) * (height + 2)) else { return nil }
        let cols = Int(colsEstimate), rows = Int(rowsEstimate)
        var values = [Float](repeating: 0, count: cols * rows)
        for j in 0..<rows { for i in 0..<cols { values[j * cols + i] = latticeValue(Int64(i), Int64(j), seed) } }
        self.values = values
        columns = cols
        // Each cell as an index, converted once (not per blended row).
        let xs = (0..<width).map { x in latticeCoordinate((Float(x) + 0.5) / cell) }
        columnCells = xs.map { Int32($0.cell) }
        columnWeights = xs.map(\.weight)
        let ys = (0..<height).map { y in latticeCoordinate((Float(y) + 0.5) / cell) }
        rowCells = ys.map { Int32($0.cell) }
        rowWeights = ys.map(\.weight)
    }

    /// Lattice row `j` blended along x at every pixel column, into `line` (`columnCells.count`
    /// values): `row[k] + (row[k + 1] − row[k]) · w`.
    func blendRow(_ j: Int, into line: UnsafeMutablePointer<Float>) {
        values.withUnsafeBufferPointer { lattice in
            let row = lattice.baseAddress! + j &* columns
            columnCells.withUnsafeBufferPointer { cells in
                columnWeights.withUnsafeBufferPointer { weights in
                    for x in cells.indices {
                        // In range: cells are below columns − 1 and rows − 1 by the estimates.
                        let k = Int(cells[x])
                        line[x] = row[k] + (row[k &+ 1] - row[k]) * weights[x]
                    }
                }
            }
        }
    }
}

/// The lattice cell of coordinate `v` (its floor) and the smoothstep weight of the next lattice
/// point, `t²(3 − 2t)` with `t = v − floor(v)`.
@inline(__always) private func latticeCoordinate(_ v: Float) -> (cell: Float, weight: Float) {
    let cell = v.rounded(.down), t = v - cell
    return (cell, t * t * (3 - 2 * t))
}

@inline(__always) private func latticeValue(_ x: Int64, _ y: Int64, _ seed: UInt64) -> Float {
    // SplitMix64 finaliser over the combined coordinates.
    var z = seed &+ UInt64(bitPattern: x) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(bitPattern: y) &* 0xC2B2_AE3D_27D4_EB4F
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    return Float(z >> 40) / Float(1 << 24)
}

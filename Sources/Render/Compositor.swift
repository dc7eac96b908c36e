import CBackgroundPaint
import CMaskSprite

/// Draws compiled layers, in order, into one image buffer; optionally records ground-truth masks
/// and a tape of what each layer covered (for the exact VJP).
///
/// Per pixel centre `p` and channel `c`, a layer gives alpha `a = opacity · A(p)` and premultiplied
/// source `s_c = opacity · tint_c · P_c(p)` (`P = A` except for colour sprites; backgrounds have
/// `A = 1` and `s_c = opacity · fill_c(p)`). Blend over: `out = s + (1 − a) · under`; max:
/// `out = max(under, s)`. Pixels where `A` is exactly 0 are left alone. The canvas starts black.
struct Compositor {
    let width: Int
    let height: Int
    let channels: Int
    /// A layer is visible at a pixel (masks, boxes, counts) when `a ≥ visibilityThreshold`.
    let visibilityThreshold: Float
    /// Whether shapes use `ShapeRows`' spans (false: every pixel of the box evaluated, the
    /// reference the spans are tested against; the same values either way).
    var spans = true
    /// Whether grey mask sprites blended `over` (a grey or RGB canvas) use the AVX2 row kernels,
    /// and their counts beyond the canvas the AVX2 count (CMaskSprite), where the processor has
    /// them (false: the Swift loops; the same values either way).
    var spriteRowKernel = true
    /// Whether this processor runs CMaskSprite's kernel (AVX2), asked once.
    static let spriteRowKernelAvailable = metasim_mask_sprite_available() != 0
    /// Whether a noise background blended `over` an RGB canvas is painted by CBackgroundPaint's
    /// AVX2 loop where the processor has it (false: the Swift loop; the same values either way).
    var noisePaintKernel = true
    /// Whether this processor runs CBackgroundPaint's loop (AVX2), asked once.
    static let noisePaintKernelAvailable = metasim_background_paint_available() != 0

    /// Per-layer facts gathered while drawing, for ground truth.
    struct LayerStats {
        /// Pixels with `a ≥ threshold` on an unbounded canvas.
        var coveredPixels = 0
        /// Canvas pixels with `A > 0`.
        var touchedPixels = 0
    }

    /// Where ground truth goes while drawing (`width × height` masks).
    struct Masks {
        var instance: UnsafeMutablePointer<UInt16>
        var semantic: UnsafeMutablePointer<UInt16>
    }

    /// Draws `layers` into `out` (`width × height × channels`, overwritten).
    /// - Parameters:
    ///   - masks: when non-nil, filled (overwritten) with the 1-based object number among object
    ///     layers and `classIds[k]` of the front-most visible object (0: none).
    ///   - tape: when non-nil, receives each layer's clipped support box contents before it is
    ///     drawn, for the layers from `tapeFrom` on.
    ///   - backgrounds: when non-nil, the background layers' kernels by layer index, already built
    ///     (the VJP builds them once for its forward and reverse passes); else built here.
    ///   - rowLogs: when non-nil, by layer index: a log for each shape layer whose rows are to be
    ///     recorded (the VJP replays them in its reverse pass).
    /// - Returns: per layer statistics (empty when `masks` is nil).
    func draw(_ layers: [Layer], classIds: [UInt16], into out: UnsafeMutablePointer<Float>, masks: Masks?,
              tape: UnsafeMutablePointer<[Float]>?, tapeFrom: Int = 0, backgrounds: [BackgroundKernel?]? = nil,
              rowLogs: [RowLog?]? = nil) -> [LayerStats] {
        // The canvas starts black. A first layer that is a visible background reads that black
        // as the constant 0 instead (the same values) and overwrites every pixel, so the canvas
        // need not be cleared first, unless the tape must record it.
        var blackUnder = false
        if case .background? = layers.first?.content, layers[0][.opacity] > 0, tape == nil || tapeFrom > 0 || !tapesFirstLayer(layers) {
            blackUnder = true
        } else {
            out.initialize(repeating: 0, count: width * height * channels)
        }
        // Masks start empty; a first background visible at every pixel empties them itself.
        if let masks, !(blackUnder && layers[0][.opacity] >= visibilityThreshold) {
            masks.instance.initialize(repeating: 0, count: width * height)
            masks.semantic.initialize(repeating: 0, count: width * height)
        }
        // The tape's size is known: no regrowing (and copying) while recording.
        if let tape {
            tape.pointee.reserveCapacity(tape.pointee.count + layers.enumerated().reduce(0) { total, item in
                if item.offset < tapeFrom || (item.offset == 0 && blackUnder) { return total }
                return total + item.element.supportBox(width: width, height: height).clipped(width: width, height: height).area * channels
            })
        }
        var stats: [LayerStats] = masks == nil ? [] : Array(repeating: LayerStats(), count: layers.count)
        var objectNumber: UInt16 = 0
        // By index, each layer handed on in place: a copy of a layer (`for layer in layers`)
        // retains its content, name and links, and a sprite's planes are shared by every thread.
        for k in layers.indices {
            var id: UInt16 = 0, cls: UInt16 = 0
            if layers[k].isObject { objectNumber &+= 1; id = objectNumber; cls = classIds[k] }
            let s = draw(layers[k], id: id, cls: cls, into: out, masks: masks, tape: k >= tapeFrom ? tape : nil,
                         blackUnder: blackUnder && k == 0, background: backgrounds?[k], rowLog: rowLogs?[k])
            if masks != nil { stats[k] = s }
        }
        return stats
    }

    /// One layer of `draw(_:…)`: `blackUnder` for a first background that reads black without
    /// the canvas; `tape`, when non-nil, records the layer's box first. Returns its statistics
    /// (meaningful with `masks`).
    private func draw(_ layer: Layer, id: UInt16, cls: UInt16, into out: UnsafeMutablePointer<Float>, masks: Masks?,
                      tape: UnsafeMutablePointer<[Float]>?, blackUnder: Bool, background: BackgroundKernel?, rowLog: RowLog?) -> LayerStats {
        let support = layer.supportBox(width: width, height: height)
        let box = support.clipped(width: width, height: height)
        if let tape, !box.isEmpty, !blackUnder { record(box, from: out, into: tape) }
        var s = LayerStats()
        if !box.isEmpty {
            withKernel(layer) { kernel in
                if case .background(let fill) = layer.content {
                    drawBackground(layer, fill, prebuilt: background, into: out, blackUnder: blackUnder, masks: masks, stats: &s)
                } else if kernel.kind == .sprite && kernel.colour == nil {
                    drawMaskSprite(layer, kernel, box: box, into: out, id: id, cls: cls, masks: masks, stats: &s)
                } else {
                    drawGeneric(layer, kernel, box: box, into: out, id: id, cls: cls, masks: masks, stats: &s, rowLog: rowLog)
                }
            }
        }
        if masks != nil && layer.isObject { s.coveredPixels += countCoveredOutside(layer, support: support, inside: box) }
        return s
    }

    /// Whether a tape records the first layer's canvas (the cleared black canvas): not for a
    /// first background that is visible and blended `over` on an RGB canvas, which paints over
    /// black without reading it (its reverse pass takes the black as +0: `backwardBackground`
    /// with no `under`).
    func tapesFirstLayer(_ layers: [Layer]) -> Bool {
        guard case .background? = layers.first?.content, layers[0][.opacity] > 0 else { return true }
        return !(channels == 3 && layers[0].blend == .over)
    }

    private func record(_ box: PixelBox, from out: UnsafeMutablePointer<Float>, into tape: UnsafeMutablePointer<[Float]>) {
        // The box grown onto the tape at once, then its rows copied in (an append per row cost
        // more than its copy for a digit's short rows).
        let row = (box.x1 - box.x0) * channels, first = tape.pointee.count
        tape.pointee.append(contentsOf: repeatElement(0, count: row * (box.y1 - box.y0)))
        tape.pointee.withUnsafeMutableBufferPointer { recorded in
            for y in box.y0..<box.y1 {
                (recorded.baseAddress! + first + (y - box.y0) * row).update(from: out + (y * width + box.x0) * channels, count: row)
            }
        }
    }

    /// Shapes and colour sprites.
    private func drawGeneric(_ layer: Layer, _ kernel: LayerKernel, box: PixelBox, into out: UnsafeMutablePointer<Float>,
                             id: UInt16, cls: UInt16, masks: Masks?, stats: inout LayerStats, rowLog: RowLog? = nil) {
        let layerKernel = kernel
        let (opacity, tint, over) = layer.paint
        let threshold = visibilityThreshold
        let g = layer.floatGeometry
        let rows = ShapeRows(layer, width: width, height: height, levels: spans ? (-0.5, 0.5) : nil)
        // Where coverage is exactly 1: `a = opacity · 1`, `s_c = opacity · (tint_c · 1)`.
        let fullAlpha = opacity * Float(1)
        let fullSource = opacity * (SIMD4(tint, 0) * 1)
        // `rows` owns the buffer the row kernels' `segmentReach` points into.
        withExtendedLifetime(rows) {
        for y in box.y0..<box.y1 {
            let Y = Float(y) + 0.5
            let (xs, full, kernel) = rows.row(y, box: box, kernel: kernel)
            rowLog?.record(xs: xs, full: full, rowKernel: kernel, kernel: layerKernel)
            @inline(__always) func exact(_ range: Range<Int>) {
                guard !range.isEmpty, let kernel = kernel.trimmed(to: range) else { return }
                if kernel.colour == nil {
                    // Shapes: the same values without a branch per pixel on A or on visibility
                    // (both as good as random along an edge ramp): a pixel with A = 0 keeps its
                    // values and masks, and counts nowhere.
                    for x in range {
                        let A: Float = layerAlpha(kernel, g, X: Float(x) + 0.5, Y: Y)
                        let drawn = A != 0
                        let a = opacity * A
                        let p = y &* width &+ x  // wrapping: inside the clipped box, so in range
                        for c in 0..<channels {
                            let i = p &* channels &+ c, under = out[i]
                            let value = blend(opacity * (tint[c] * A), alpha: a, under: under, over: over)
                            out[i] = drawn ? value : under
                        }
                        if let masks {
                            let visible = drawn && a >= threshold
                            stats.touchedPixels &+= drawn ? 1 : 0
                            stats.coveredPixels &+= visible ? 1 : 0
                            masks.instance[p] = visible ? id : masks.instance[p]
                            masks.semantic[p] = visible ? cls : masks.semantic[p]
                        }
                    }
                    return
                }
                // Colour sprites.
                for x in range {
                    let X = Float(x) + 0.5
                    let A: Float = layerAlpha(kernel, g, X: X, Y: Y)
                    if A == 0 { continue }
                    let a = opacity * A
                    let p = y &* width &+ x  // wrapping: inside the clipped box, so in range
                    for c in 0..<channels {
                        let P = tint[c] * spriteColour(kernel, g, X: X, Y: Y, channel: c)
                        out[p &* channels &+ c] = blend(opacity * P, alpha: a, under: out[p &* channels &+ c], over: over)
                    }
                    if let masks { note(a, at: p, id: id, cls: cls, masks: masks, threshold: threshold, stats: &stats) }
                }
            }
            exact(xs.lowerBound..<full.lowerBound)
            if !full.isEmpty {
                let p = y &* width &+ full.lowerBound
                blendRun(fullSource, alpha: fullAlpha, into: out + p &* channels, pixels: full.count, over: over)
                if let masks {
                    stats.touchedPixels &+= full.count
                    if fullAlpha >= threshold {
                        stats.coveredPixels &+= full.count
                        (masks.instance + p).update(repeating: id, count: full.count)
                        (masks.semantic + p).update(repeating: cls, count: full.count)
                    }
                }
            }
            exact(full.upperBound..<xs.upperBound)
        }
        }
    }

    /// `out = blend(source_c, alpha: a, under: out)` over `pixels` consecutive pixels (`source`
    /// lane c for channel c): per value the operations of `blend`, four values per step for `over`.
    @inline(__always) private func blendRun(_ source: SIMD4<Float>, alpha a: Float, into out: UnsafeMutablePointer<Float>,
                                            pixels: Int, over: Bool) {
        var p = 0
        if over {
            let keep = 1 - a
            if channels == 3 {
                let (s0, s1, s2) = Interleave.channels(source)
                while p &+ 4 <= pixels {
                    let o = out + 3 &* p
                    store4(s0 + keep * load4(o), o)
                    store4(s1 + keep * load4(o + 4), o + 4)
                    store4(s2 + keep * load4(o + 8), o + 8)
                    p &+= 4
                }
            } else {
                let s = SIMD4(repeating: source[0])
                while p &+ 4 <= pixels {
                    store4(s + keep * load4(out + p), out + p)
                    p &+= 4
                }
            }
        }
        while p < pixels {
            for c in 0..<channels {
                let i = p &* channels &+ c
                out[i] = blend(source[c], alpha: a, under: out[i], over: over)
            }
            p &+= 1
        }
    }

    /// A background over the whole canvas: `s_c = opacity · fill_c(p)`, `a = opacity`. With
    /// `blackUnder`, `out` is not read (it may be uninitialised): what is under is black.
    /// `prebuilt`: the fill's kernel when the caller has it (the VJP's), else built here.
    private func drawBackground(_ layer: Layer, _ fill: BackgroundFill, prebuilt: BackgroundKernel?, into out: UnsafeMutablePointer<Float>,
                                blackUnder: Bool, masks: Masks?, stats: inout LayerStats) {
        let opacity = layer[.opacity]
        let n = width * height
        let over = layer.blend == .over
        if opacity > 0 {
            let tint = layer.tint, amplitude = layer[.noiseAmplitude]
            let end = SIMD3(layer[.endR], layer[.endG], layer[.endB])
            // The base `tint·1 + end·0` as `NoiseFillValues` takes it.
            let base = SIMD4(tint, 0) * 1 + SIMD4(end, 0) * 0
            let paintInC = channels == 3 && over && noisePaintKernel && Self.noisePaintKernelAvailable
            if paintInC, prebuilt == nil, case .noise(let cell, let seed) = fill,
               let lattice = ValueNoiseLattice(width: width, height: height, cell: cell, seed: seed) {
                // Eight pixels at a time in C, the noise made row by row as it is painted (no
                // plane stored): `BackgroundKernel`'s basis, n − 0.5.
                withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * width) { lines in
                    metasim_paint_noise_lattice_rgb(lattice.values, lattice.columns, lattice.columnCells, lattice.columnWeights,
                                                    lattice.rowCells, lattice.rowWeights, width, height, 0.5,
                                                    base[0], base[1], base[2], amplitude, opacity, blackUnder ? 1 : 0,
                                                    lines.baseAddress!, out)
                }
                return drawBackgroundMasks(opacity: opacity, masks: masks, stats: &stats)
            }
            let kernel = prebuilt ?? BackgroundKernel(fill: fill, width: width, height: height, channels: channels)
            if kernel.kind == .noise, paintInC, let noise = kernel.basis {
                // Eight pixels at a time in C.
                metasim_paint_noise_rgb(noise, n, base[0], base[1], base[2], amplitude, opacity, blackUnder ? 1 : 0, out)
            } else {
                // `tint_c·w_t + end_c·w_e + amplitude·w_a` with the weights of `BackgroundKernel.weights`
                // written out per fill (the same operations in the same order, so the same values), the
                // fill's kind decided once instead of per value.
                withFillValues(kernel, channels: channels, tint: tint, end: end, amplitude: amplitude,
                               BackgroundPaint(out: out, pixels: n, channels: channels, opacity: opacity, over: over, blackUnder: blackUnder))
            }
        }
        drawBackgroundMasks(opacity: opacity, masks: masks, stats: &stats)
    }

    /// A drawn background's masks and statistics: every pixel touched; where it is visible, the
    /// masks emptied (it hides whatever was visible under it) and every pixel covered.
    private func drawBackgroundMasks(opacity: Float, masks: Masks?, stats: inout LayerStats) {
        let n = width * height
        guard let masks, opacity > 0 else { return }
        stats.touchedPixels = n
        if opacity >= visibilityThreshold {
            // A background is not an object: it hides whatever was visible under it.
            // (Initialises them when the draw left them uninitialised for this first background.)
            masks.instance.initialize(repeating: 0, count: n)
            masks.semantic.initialize(repeating: 0, count: n)
            stats.coveredPixels = n
        }
    }

    /// Grey alpha-mask sprites (MNIST digits): the hot path, stepping texel coordinates along rows.
    /// Not inlined into `draw`: its loop gets registers of its own (inlined, `out` was spilled).
    @inline(never)
    private func drawMaskSprite(_ layer: Layer, _ k: LayerKernel, box: PixelBox, into out: UnsafeMutablePointer<Float>,
                                id: UInt16, cls: UInt16, masks: Masks?, stats: inout LayerStats) {
        let (opacity, tint, over) = layer.paint
        let threshold = visibilityThreshold
        let sampler = MaskSpriteSampler(layer, k)
        @inline(__always) func pixel(_ A: Float, at p: Int) {
            let a = opacity * A
            if channels == 1 {
                out[p] = blend(opacity * tint.x * A, alpha: a, under: out[p], over: over)
            } else {
                for c in 0..<channels {
                    out[p &* channels &+ c] = blend(opacity * tint[c] * A, alpha: a, under: out[p &* channels &+ c], over: over)
                }
            }
            if let masks { note(a, at: p, id: id, cls: cls, masks: masks, threshold: threshold, stats: &stats) }
        }
        let greyOver = channels == 1 && over
        if over && spriteRowKernel && Self.spriteRowKernelAvailable {
            // Eight pixels at a time in C, eight rows per call (the same operations, so the same values).
            var kernel = sampler.cKernel(opacity: opacity, threshold: threshold, id: id, cls: cls, tint: tint.x)
            // `opacity · tint_c` per channel, as `pixel` takes it; then the rows' starting texel
            // coordinates (u in 3..<11, v in 11..<19).
            var touched = 0, covered = 0
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 19) { scratch in
                let opacityTint = scratch.baseAddress!, tu = opacityTint + 3, tv = tu + 8
                for c in 0..<3 { opacityTint[c] = opacity * tint[c] }
                tu.initialize(repeating: 0, count: 16)
                var y = box.y0
                while y < box.y1 {
                    let rows = min(8, box.y1 &- y)
                    for k in 0..<rows { (tu[k], tv[k]) = sampler.start(x: box.x0, y: y &+ k) }
                    let p = y &* width &+ box.x0
                    metasim_mask_sprite_rows(&kernel, opacityTint, Int32(channels), tu, tv, rows, box.x1 &- box.x0, out + p &* channels,
                                             width &* channels, masks.map { $0.instance + p }, masks.map { $0.semantic + p }, width,
                                             &touched, &covered)
                    y &+= rows
                }
            }
            stats.touchedPixels &+= touched
            stats.coveredPixels &+= covered
            return
        }
        for y in box.y0..<box.y1 {
            var (tu, tv) = sampler.start(x: box.x0, y: y)
            var x = box.x0
            let row = y &* width  // wrapping: inside the clipped box, so in range
            // Four pixels at a time: their texel coordinates stepped one by one (the same chain of
            // additions as one pixel at a time), sampled and, on a grey canvas, blended as vectors.
            while x &+ 4 <= box.x1 {
                let (us, vs) = MaskSpriteSampler.fourSteps(&tu, &tv, du: sampler.dudx, dv: sampler.dvdx)
                let A = sampler.alpha4(us, vs)
                let drawn = A .!= 0
                if any(drawn) {
                    let p = row &+ x
                    if greyOver {
                        // `blend(opacity·tint·A, alpha: opacity·A, under:)` per lane; pixels with A = 0 kept.
                        let under = load4(out + p)
                        let blended = opacity * tint.x * A + (1 - opacity * A) * under
                        store4(under.replacing(with: blended, where: drawn), out + p)
                        if let masks { note4(opacity * A, drawn: drawn, at: p, id: id, cls: cls, masks: masks, threshold: threshold, stats: &stats) }
                    } else {
                        for lane in 0..<4 where drawn[lane] { pixel(A[lane], at: p &+ lane) }
                    }
                }
                x &+= 4
            }
            while x < box.x1 {
                let A = sampler.alpha(tu, tv)
                tu += sampler.dudx; tv += sampler.dvdx
                if A != 0 { pixel(A, at: row &+ x) }
                x &+= 1
            }
        }
    }

    @inline(__always) private func note(_ a: Float, at p: Int, id: UInt16, cls: UInt16, masks: Masks, threshold: Float,
                                        stats: inout LayerStats) {
        stats.touchedPixels &+= 1
        if a >= threshold {
            stats.coveredPixels &+= 1
            masks.instance[p] = id
            masks.semantic[p] = cls
        }
    }

    /// `note` for the four pixels from `p` whose lane of `drawn` is set (alphas `a`).
    @inline(__always) private func note4(_ a: SIMD4<Float>, drawn: SIMDMask<SIMD4<Int32>>, at p: Int, id: UInt16, cls: UInt16, masks: Masks,
                                         threshold: Float, stats: inout LayerStats) {
        let covered = drawn .& (a .>= threshold)
        stats.touchedPixels &+= Int(SIMD4<Int32>.zero.replacing(with: 1, where: drawn).wrappedSum())
        guard any(covered) else { return }
        let coveredFlags = SIMD4<Int32>.zero.replacing(with: 1, where: covered)
        stats.coveredPixels &+= Int(coveredFlags.wrappedSum())
        let cover16 = SIMD4<UInt16>(truncatingIfNeeded: coveredFlags) .== 1
        let instance = UnsafeMutableRawPointer(masks.instance + p), semantic = UnsafeMutableRawPointer(masks.semantic + p)
        instance.storeBytes(of: instance.loadUnaligned(as: SIMD4<UInt16>.self).replacing(with: id, where: cover16), as: SIMD4<UInt16>.self)
        semantic.storeBytes(of: semantic.loadUnaligned(as: SIMD4<UInt16>.self).replacing(with: cls, where: cover16), as: SIMD4<UInt16>.self)
    }

    /// Pixels of `support` outside `inside` (the part beyond the canvas) where `a ≥ threshold`.
    /// Exact for sprites and for shapes whose support spans fewer than `sampledRowsFrom` rows;
    /// roads (polylines and arcs) on every row in closed form (`countStrokeOutside`). Other taller shapes
    /// count every second row, each row exactly, and double the sum: half the work. Where the
    /// per-row counts rise then fall (a convex shape), the doubled sum of a run of rows misses by
    /// at most its widest row's count: at most ~2/n of the count of a convex shape n rows tall per
    /// such run.
    /// Above `exactCountLimit` support pixels (a ground polygon far bigger than the canvas) every
    /// `k`-th pixel in each direction is tested and the count scaled by `k²`, so the visible
    /// fraction stays cheap and accurate to a fraction of a percent.
    private func countCoveredOutside(_ layer: Layer, support: PixelBox, inside: PixelBox) -> Int {
        if support.isEmpty || support == inside { return 0 }
        let exactCountLimit = 1 << 22, sampledRowsFrom = 64
        let k = support.area <= exactCountLimit ? 1 : Int((Double(support.area) / Double(exactCountLimit)).squareRoot().rounded(.up))
        if k > 1 { return k * k * countCoveredOutside(layer, support: support, inside: inside, stride: k) }
        if let count = countStrokeOutside(layer, support: support, inside: inside) { return count }
        if case .shape = layer.content, support.y1 - support.y0 >= sampledRowsFrom {
            return 2 * countCoveredOutside(layer, support: support, inside: inside, stride: 1, rowStride: 2)
        }
        return countCoveredOutside(layer, support: support, inside: inside, stride: 1)
    }

    /// A polyline's or an arc's (a road's) visible pixels beyond the canvas on every row of
    /// `support`, in closed form (`StrokeRowCount`, `ArcRows`: visible where the distance to the
    /// centreline is at most `halfWidth + 0.5 − threshold / opacity`); nil for other layers, a
    /// threshold ≤ 0 (which counts coverage 0 too) or geometry that is not finite.
    func countStrokeOutside(_ layer: Layer, support: PixelBox, inside: PixelBox) -> Int? {
        guard visibilityThreshold > 0, case .shape(let outline) = layer.content else { return nil }
        switch outline {
        case .polyline, .arc: break
        default: return nil
        }
        let g = layer.floatGeometry, opacity = layer[.opacity]
        if opacity * 1 < visibilityThreshold { return 0 }  // A ≤ 1: nothing visible
        let radius = Double(g.halfWidth) + 0.5 - Double(visibilityThreshold) / Double(opacity)
        guard radius.isFinite else { return nil }
        if radius < 0 { return 0 }
        let (c, s) = (Double(g.cosine), Double(g.sine))
        if case .arc(let a) = outline {
            // The arc on the canvas; each row a line y = Y, x = X.
            let centre = SIMD2(Double(g.cx), Double(g.cy))
            let arc = ArcRows(ArcShape(a)).mapped(point: { centre + SIMD2(c * $0.x + s * $0.y, -s * $0.x + c * $0.y) },
                                                  vector: { SIMD2(c * $0.x + s * $0.y, -s * $0.x + c * $0.y) })
            guard [arc.centre.x, arc.centre.y, arc.end0.x, arc.end0.y, arc.end1.x, arc.end1.y].allSatisfy(\.isFinite) else { return nil }
            return sumOverRows(support: support, inside: inside) { y, excluded in
                var count = 0
                let pieces = arc.pieces(arc.line(p0: SIMD2(0, Double(y) + 0.5), d: SIMD2(1, 0), inverseDD: 1), radius: radius)
                ArcRows.union(pieces) { run in
                    count &+= StrokeRowCount.centres((run.lo, run.hi), columns: support.x0..<support.x1, excluding: excluded)
                }
                return count
            }
        }
        guard case .polyline(let vertices) = outline else { return nil }
        let points = vertices.map { v -> SIMD2<Double> in
            let lx = Double(g.sx) * Double(v.x), ly = Double(g.sy) * Double(v.y)
            return SIMD2(Double(g.cx) + c * lx + s * ly, Double(g.cy) - s * lx + c * ly)
        }
        guard let stroke = StrokeRowCount(points: points, radius: radius, rows: support.y0..<support.y1) else { return nil }
        return sumOverRows(support: support, inside: inside) { y, excluded in
            stroke.count(row: y, columns: support.x0..<support.x1, excluding: excluded)
        }
    }

    /// `row(y, excluded)` summed over the rows of `support`, `excluded` being the canvas's
    /// columns on a canvas row and empty elsewhere. A canvas row is skipped when the support lies
    /// within the canvas's columns (it adds nothing).
    @inline(__always) private func sumOverRows(support: PixelBox, inside: PixelBox, _ row: (Int, Range<Int>) -> Int) -> Int {
        var count = 0
        let none = inside.x0..<inside.x0
        let withinColumns = support.x0 >= inside.x0 && support.x1 <= inside.x1
        for y in support.y0..<support.y1 {
            let rowInside = !inside.isEmpty && y >= inside.y0 && y < inside.y1
            if rowInside && withinColumns { continue }
            count &+= row(y, rowInside ? inside.x0..<inside.x1 : none)
        }
        return count
    }

    /// `countCoveredOutside` of a grey mask sprite, every pixel (stride 1), in C: the support's
    /// rows that reach beyond the canvas, eight at a time (`metasim_mask_sprite_count_rows`), each
    /// stepped from its first pixel as the Swift loop steps it, so the same count.
    private func countMaskSpriteOutside(_ sampler: MaskSpriteSampler, opacity: Float, support: PixelBox, inside: PixelBox) -> Int {
        var kernel = sampler.cKernel(opacity: opacity, threshold: visibilityThreshold)
        let width = support.x1 - support.x0
        // The canvas's columns, from the support's first; a canvas row whose support lies within
        // them adds nothing and takes no lane.
        let skipFrom = min(max(inside.x0 - support.x0, 0), width), skipTo = min(max(inside.x1 - support.x0, skipFrom), width)
        let withinColumns = support.x0 >= inside.x0 && support.x1 <= inside.x1
        // Lanes' starting texel coordinates: u in 0..<8, v in 8..<16 (memory, not vectors:
        // a vector written lane by lane is reloaded whole, which stalled on every lane).
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: 16) { starts in
            let tu = starts.baseAddress!, tv = tu + 8
            tu.initialize(repeating: 0, count: 16)
            var lanes = 0, every: Int32 = 0, outside: Int32 = 0, count = 0
            func flush() {
                guard lanes > 0 else { return }
                count &+= metasim_mask_sprite_count_rows(&kernel, tu, tv, every, outside, width, skipFrom, skipTo)
                (lanes, every, outside) = (0, 0, 0)
            }
            for y in support.y0..<support.y1 {
                let rowInside = y >= inside.y0 && y < inside.y1 && !inside.isEmpty
                if rowInside && withinColumns { continue }
                (tu[lanes], tv[lanes]) = sampler.start(x: support.x0, y: y)
                if rowInside { outside |= 1 << lanes } else { every |= 1 << lanes }
                lanes += 1
                if lanes == 8 { flush() }
            }
            flush()
            return count
        }
    }

    /// Unscaled counts: with `stride` k > 1 of every k-th pixel of every k-th row; with k = 1 of
    /// every pixel of every `rowStride`-th row (shapes only; sprites ignore `rowStride`).
    private func countCoveredOutside(_ layer: Layer, support: PixelBox, inside: PixelBox, stride k: Int, rowStride: Int = 1) -> Int {
        let g = layer.floatGeometry
        let opacity = layer[.opacity]
        var count = 0
        withKernel(layer) { kernel in
            if kernel.kind == .sprite && kernel.colour == nil {
                let sampler = MaskSpriteSampler(layer, kernel)
                if k == 1 && spriteRowKernel && Self.spriteRowKernelAvailable {
                    count = countMaskSpriteOutside(sampler, opacity: opacity, support: support, inside: inside)
                    return
                }
                let du = sampler.dudx * Float(k), dv = sampler.dvdx * Float(k)
                for y in Swift.stride(from: support.y0, to: support.y1, by: k) {
                    let rowInside = y >= inside.y0 && y < inside.y1 && !inside.isEmpty
                    // A canvas row whose support lies within the canvas's columns adds nothing.
                    if rowInside && support.x0 >= inside.x0 && support.x1 <= inside.x1 { continue }
                    var (tu, tv) = sampler.start(x: support.x0, y: y)
                    var x = support.x0
                    // Texel coordinates step from the row's first pixel (the same additions as
                    // the draw's), sampled only beyond the canvas: left of it, then (a canvas
                    // row) across it without sampling, then right of it. The steps across the
                    // canvas (one addition after another, latency bound) are taken only when
                    // pixels right of it follow.
                    if rowInside {
                        count &+= sampler.countVisible(x: &x, to: min(inside.x0, support.x1), step: k, tu: &tu, tv: &tv, du: du, dv: dv,
                                                       opacity: opacity, threshold: visibilityThreshold)
                        if support.x1 <= inside.x1 { continue }
                        while x < inside.x1 { tu += du; tv += dv; x &+= k }
                    }
                    count &+= sampler.countVisible(x: &x, to: support.x1, step: k, tu: &tu, tv: &tv, du: du, dv: dv,
                                                   opacity: opacity, threshold: visibilityThreshold)
                }
                return
            }
            // Shapes: visible where opacity · A ≥ threshold, i.e. (A = clamp(0.5 − sd, 0, 1)) where
            // sd ≤ 0.5 − threshold / opacity: rows cut to that level and runs surely below it
            // counted without evaluation (ShapeRows). A threshold ≤ 0 counts coverage 0 too: no cut.
            var levels: (inner: Double, outer: Double)? = nil
            if visibilityThreshold > 0 && spans {
                if opacity * 1 < visibilityThreshold { return }  // A ≤ 1: nothing visible
                let level = 0.5 - Double(visibilityThreshold) / Double(opacity)
                levels = (level, level)
            }
            let rows = ShapeRows(layer, width: width, height: height, levels: levels)
            @inline(__always) func isVisible(_ kernel: LayerKernel, _ x: Int, _ y: Int) -> Bool {
                let A: Float = layerAlpha(kernel, g, X: Float(x) + 0.5, Y: Float(y) + 0.5)
                return opacity * A >= visibilityThreshold
            }
            // `rows` owns the buffer the row kernels' `segmentReach` points into.
            withExtendedLifetime(rows) {
            let step = k == 1 ? rowStride : k
            for y in Swift.stride(from: support.y0, to: support.y1, by: step) {
                let rowInside = y >= inside.y0 && y < inside.y1 && !inside.isEmpty
                if k == 1 && rowInside {
                    // A canvas row whose coverable pixels all lie on the canvas adds nothing.
                    let coarse = rows.coarse(y, box: support, kernel: kernel)
                    if coarse.isEmpty || (coarse.lowerBound >= inside.x0 && coarse.upperBound <= inside.x1) { continue }
                }
                let (xs, visible, kernel) = rows.row(y, box: support, kernel: kernel)
                if k == 1 {
                    // The row's pixels beyond the canvas: `xs` left and right of the canvas's
                    // columns on a canvas row, all of it elsewhere. In each part the `visible` run
                    // is counted without a loop, the rest evaluated.
                    @inline(__always) func part(_ range: Range<Int>) {
                        guard !range.isEmpty else { return }
                        let lo = max(range.lowerBound, visible.lowerBound), hi = min(range.upperBound, visible.upperBound)
                        if lo < hi { count &+= hi &- lo }
                        let runStart = lo < hi ? lo : range.upperBound, runEnd = lo < hi ? hi : range.upperBound
                        for x in range.lowerBound..<runStart where isVisible(kernel, x, y) { count &+= 1 }
                        for x in runEnd..<range.upperBound where isVisible(kernel, x, y) { count &+= 1 }
                    }
                    if rowInside {
                        part(xs.lowerBound..<max(xs.lowerBound, min(xs.upperBound, inside.x0)))
                        part(min(xs.upperBound, max(xs.lowerBound, inside.x1))..<xs.upperBound)
                    } else {
                        part(xs)
                    }
                    continue
                }
                // The first x of the stride's phase (support.x0 + j·k) inside the row's span.
                let first = support.x0 &+ (xs.lowerBound &- support.x0 &+ k &- 1) / k &* k
                for x in Swift.stride(from: first, to: xs.upperBound, by: k) {
                    if rowInside && x >= inside.x0 && x < inside.x1 { continue }
                    if visible.contains(x) { count += 1; continue }
                    if isVisible(kernel, x, y) { count += 1 }
                }
            }
            }
        }
        return count
    }
}

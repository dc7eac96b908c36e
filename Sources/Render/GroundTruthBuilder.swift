import CMaskMeasure

/// Assembles `GroundTruth` from the masks and per-layer statistics of one composite.
enum GroundTruthBuilder {
    static func make(layers: [Layer], stats: [Compositor.LayerStats], instance: [UInt16], semantic: [UInt16],
                     width: Int, height: Int) -> GroundTruth {
        let n = layers.reduce(0) { $0 + ($1.isObject ? 1 : 0) }
        // Per instance id: visible count and box (min x, min y, max x, max y), in scratch memory
        // of this call (no arrays made per image).
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: n + 1) { visible in
            withUnsafeTemporaryAllocation(of: SIMD4<Int32>.self, capacity: n + 1) { box in
                visible.initialize(repeating: 0)
                box.initialize(repeating: SIMD4(Int32.max, Int32.max, -1, -1))
                instance.withUnsafeBufferPointer { mask in
                    if n <= fewObjects {
                        for id in 0..<n { measure(id: UInt16(id + 1), in: mask.baseAddress!, width: width, height: height, visible: visible, box: box) }
                    } else {
                        measure(mask.baseAddress!, width: width, height: height, visible: visible, box: box)
                    }
                }
                var objects: [ObjectAnnotation] = []
                objects.reserveCapacity(n)
                var id = 0
                // By index, not `for layer in layers`: a copy of a layer retains its content, name and links.
                for k in layers.indices where layers[k].isObject {
                    id += 1
                    let b = box[id]
                    let bbox = visible[id] > 0
                        ? BoundingBox(x: Int(b[0]), y: Int(b[1]), width: Int(b[2] - b[0]) + 1, height: Int(b[3] - b[1]) + 1) : nil
                    let covered = stats[k].coveredPixels
                    let fraction = covered > 0 ? min(1, Double(visible[id]) / Double(covered)) : 0
                    let outside = stats[k].touchedPixels == 0 && !layers[k].supportBox(width: width, height: height).isEmpty
                    var object = ObjectAnnotation(node: layers[k].node, className: layers[k].className, instanceId: id, bbox: bbox,
                                                  visiblePixels: visible[id], visibleFraction: fraction, outsideCanvas: outside)
                    object.frameAnchor = layers[k].anchor
                    objects.append(object)
                }
                return GroundTruth(width: width, height: height, objects: objects, instanceMask: instance, semanticMask: semantic)
            }
        }
    }

    /// Up to this many objects, `make` measures each id in a pass of its own
    /// (`measure(id:in:…)`, eight or sixteen values a step); with more, one pass measures all ids run by run.
    /// A 32 × 32 MNIST mask of one digit: about 3,800 instructions for its pass against 7,100 run
    /// by run, and fewer mispredicted branches (a digit cuts each row into several short runs;
    /// Benchmarks/README.md).
    static let fewObjects = 2

    /// Adds the pixels of `mask` (`width × height`) equal to `id` to `visible[id]` and widens
    /// `box[id]` over them, the same values as `measure(_:…)` gives that id
    /// (`metasim_mask_measure_id`, CMaskMeasure: eight values a step, sixteen with AVX2).
    static func measure(id: UInt16, in mask: UnsafePointer<UInt16>, width: Int, height: Int,
                        visible: UnsafeMutableBufferPointer<Int>, box: UnsafeMutableBufferPointer<SIMD4<Int32>>) {
        var found = (0, 0, 0, 0)
        let count = withUnsafeMutableBytes(of: &found) {
            metasim_mask_measure_id(mask, width, height, id, $0.baseAddress!.assumingMemoryBound(to: Int.self))
        }
        guard count > 0 else { return }
        let k = Int(id)
        visible[k] &+= count
        let lo = SIMD2<Int32>(Int32(truncatingIfNeeded: found.0), Int32(truncatingIfNeeded: found.1))
        let hi = SIMD2<Int32>(Int32(truncatingIfNeeded: found.2), Int32(truncatingIfNeeded: found.3))
        box[k] = SIMD4(lowHalf: pointwiseMin(box[k].lowHalf, lo), highHalf: pointwiseMax(box[k].highHalf, hi))
    }

    /// Adds each id's visible pixels of `mask` (`width × height`) to `visible[id]` and widens
    /// `box[id]` over them, run by run: a run of one id adds its length and its two ends
    /// (`metasim_mask_measure_runs`, CMaskMeasure: the runs' starts found eight values a step
    /// with SSE2, every x86-64 processor; one value at a time elsewhere). Every id in the mask
    /// must be below `visible.count` and `box.count` (the compositor numbers object layers 1…n).
    static func measure(_ mask: UnsafePointer<UInt16>, width: Int, height: Int,
                        visible: UnsafeMutableBufferPointer<Int>, box: UnsafeMutableBufferPointer<SIMD4<Int32>>) {
        UnsafeMutableRawPointer(box.baseAddress!).withMemoryRebound(to: (Int32, Int32, Int32, Int32).self, capacity: box.count) { boxes in
            metasim_mask_measure_runs(mask, width, height, visible.baseAddress!, boxes)
        }
    }
}

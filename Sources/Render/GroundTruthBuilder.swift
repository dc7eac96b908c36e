/// Assembles `GroundTruth` from the masks and per-layer statistics of one composite.
enum GroundTruthBuilder {
    static func make(layers: [Layer], stats: [Compositor.LayerStats], instance: [UInt16], semantic: [UInt16],
                     width: Int, height: Int) -> GroundTruth {
        let n = layers.reduce(0) { $0 + ($1.isObject ? 1 : 0) }
        // Per instance id: visible count and box (min x, min y, max x, max y).
        var visible = [Int](repeating: 0, count: n + 1)
        var box = [SIMD4<Int32>](repeating: SIMD4(Int32.max, Int32.max, -1, -1), count: n + 1)
        // Unchecked loads and stores: every id in the mask is ≤ n (the compositor numbers object
        // layers 1…n), and x, y stay inside the mask.
        instance.withUnsafeBufferPointer { mask in visible.withUnsafeMutableBufferPointer { visible in
            box.withUnsafeMutableBufferPointer { box in
                for y in 0..<height {
                    let row = y &* width
                    for x in 0..<width {
                        let id = Int(mask[row &+ x])
                        if id == 0 { continue }
                        visible[id] &+= 1
                        let p = SIMD2<Int32>(Int32(truncatingIfNeeded: x), Int32(truncatingIfNeeded: y))
                        box[id] = SIMD4(lowHalf: pointwiseMin(box[id].lowHalf, p), highHalf: pointwiseMax(box[id].highHalf, p))
                    }
                }
            }
        } }
        var objects: [ObjectAnnotation] = []
        objects.reserveCapacity(n)
        var id = 0
        for (k, layer) in layers.enumerated() where layer.isObject {
            id += 1
            let b = box[id]
            let bbox = visible[id] > 0
                ? BoundingBox(x: Int(b[0]), y: Int(b[1]), width: Int(b[2] - b[0]) + 1, height: Int(b[3] - b[1]) + 1) : nil
            let covered = stats[k].coveredPixels
            let fraction = covered > 0 ? min(1, Double(visible[id]) / Double(covered)) : 0
            let outside = !layer.supportBox(width: width, height: height).isEmpty && stats[k].touchedPixels == 0
            var object = ObjectAnnotation(node: layer.node, className: layer.className, instanceId: id, bbox: bbox,
                                          visiblePixels: visible[id], visibleFraction: fraction, outsideCanvas: outside)
            object.frameAnchor = layer.anchor
            objects.append(object)
        }
        return GroundTruth(width: width, height: height, objects: objects, instanceMask: instance, semanticMask: semantic)
    }
}

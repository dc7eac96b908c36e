/// Assembles `GroundTruth` from the masks and per-layer statistics of one composite.
enum GroundTruthBuilder {
    static func make(layers: [Layer], stats: [Compositor.LayerStats], instance: [UInt16], semantic: [UInt16],
                     width: Int, height: Int) -> GroundTruth {
        let objectLayers = layers.indices.filter { layers[$0].isObject }
        let n = objectLayers.count
        var minX = [Int](repeating: Int.max, count: n + 1), minY = minX
        var maxX = [Int](repeating: -1, count: n + 1), maxY = maxX
        var visible = [Int](repeating: 0, count: n + 1)
        instance.withUnsafeBufferPointer { mask in
            for y in 0..<height {
                for x in 0..<width {
                    let id = Int(mask[y * width + x])
                    if id == 0 { continue }
                    visible[id] += 1
                    if x < minX[id] { minX[id] = x }
                    if x > maxX[id] { maxX[id] = x }
                    if y < minY[id] { minY[id] = y }
                    if y > maxY[id] { maxY[id] = y }
                }
            }
        }
        var objects: [ObjectAnnotation] = []
        objects.reserveCapacity(n)
        for (j, k) in objectLayers.enumerated() {
            let id = j + 1
            let layer = layers[k]
            let bbox = visible[id] > 0
                ? BoundingBox(x: minX[id], y: minY[id], width: maxX[id] - minX[id] + 1, height: maxY[id] - minY[id] + 1) : nil
            let covered = stats[k].coveredPixels
            let fraction = covered > 0 ? min(1, Double(visible[id]) / Double(covered)) : 0
            let outside = !layer.supportBox(width: width, height: height).isEmpty && stats[k].touchedPixels == 0
            objects.append(ObjectAnnotation(node: layer.node, className: layer.className, instanceId: id, bbox: bbox,
                                            visiblePixels: visible[id], visibleFraction: fraction, outsideCanvas: outside))
        }
        return GroundTruth(width: width, height: height, objects: objects, instanceMask: instance, semanticMask: semantic)
    }
}

import Foundation
import Render

/// Ground truth of one drawn image (definitions in README.md).
enum GroundTruthAssembly {
    static func make(_ scene: Scene3D, _ frame: consuming FrameBuffers, classes: [String]) -> GroundTruth {
        let w = frame.width, h = frame.height, slots = scene.annotated.count
        var minX = [Int](repeating: Int.max, count: slots), minY = minX
        var maxX = [Int](repeating: -1, count: slots), maxY = maxX
        var visible = [Int](repeating: 0, count: slots)
        let classOfSlot = scene.annotated.map { UInt16($0.classIndex + 1) }
        let semantic = [UInt16](unsafeUninitializedCapacity: w * h) { out, count in
            frame.instance.withUnsafeBufferPointer { instance in
                for y in 0..<h {
                    let row = y * w
                    for x in 0..<w {
                        let id = Int(instance[row + x])
                        guard id > 0 else { out[row + x] = 0; continue }
                        let s = id - 1
                        visible[s] += 1
                        if x < minX[s] { minX[s] = x }
                        if x > maxX[s] { maxX[s] = x }
                        if y < minY[s] { minY[s] = y }
                        maxY[s] = y
                        out[row + x] = classOfSlot[s]
                    }
                }
            }
            count = w * h
        }
        var box3D = [Box3D?](repeating: nil, count: slots)
        for solid in scene.solids { box3D[solid.slot] = box(of: solid, scene.camera) }
        let objects = scene.annotated.enumerated().map { slot, entry -> ObjectAnnotation in
            let bbox = visible[slot] > 0
                ? BoundingBox(x: minX[slot], y: minY[slot], width: maxX[slot] - minX[slot] + 1, height: maxY[slot] - minY[slot] + 1)
                : nil
            let (full, truncation) = extent(frame.extent[slot], width: w, height: h)
            let alone = frame.alone[slot]
            let occlusion = alone > 0 ? max(0, 1 - Double(visible[slot]) / Double(alone)) : 0
            return ObjectAnnotation(node: entry.node, className: classes[entry.classIndex], instanceId: slot + 1, bbox: bbox,
                                    visiblePixels: visible[slot], visibleFraction: alone > 0 ? (1 - occlusion) * (1 - truncation) : 0,
                                    outsideCanvas: !frame.touched[slot], fullBBox: full, truncation: truncation,
                                    occlusion: occlusion, box3D: box3D[slot])
        }
        var depth = frame.inverseDepth
        frame.inverseDepth = []
        depth.withUnsafeMutableBufferPointer { d in
            for p in d.indices { d[p] = d[p] > 0 ? 1 / d[p] : frame.groundDepth[p / w] }
        }
        return GroundTruth(width: w, height: h, objects: objects, instanceMask: frame.instance, semanticMask: semantic, depth: depth)
    }

    /// The pixel box of a continuous extent and the share of that extent outside the canvas.
    static func extent(_ e: SIMD4<Float>, width: Int, height: Int) -> (BoundingBox?, Double) {
        guard e.x <= e.z, e.y <= e.w else { return (nil, 1) }
        let x0 = Double(e.x), y0 = Double(e.y), x1 = Double(e.z), y1 = Double(e.w)
        let bx = Int(x0.rounded(.down)), by = Int(y0.rounded(.down))
        let box = BoundingBox(x: bx, y: by, width: max(1, Int(x1.rounded(.up)) - bx), height: max(1, Int(y1.rounded(.up)) - by))
        let area = (x1 - x0) * (y1 - y0)
        let ix = max(0, min(x1, Double(width)) - max(x0, 0)), iy = max(0, min(y1, Double(height)) - max(y0, 0))
        guard area > 0 else { return (box, (x0 >= 0 && x0 <= Double(width) && y0 >= 0 && y0 <= Double(height)) ? 0 : 1) }
        return (box, max(0, min(1, 1 - ix * iy / area)))
    }

    /// The solid's KITTI box in the level camera frame.
    static func box(of solid: SolidObject, _ camera: Camera3D) -> Box3D {
        let p = camera.toLevelCamera(solid.position)
        var ry = Double(solid.yaw) - Double(camera.yaw) - .pi / 2
        ry = ry - 2 * .pi * ((ry + .pi) / (2 * .pi)).rounded(.down)
        return Box3D(x: Double(p.x), y: Double(p.y), z: Double(p.z), height: Double(solid.height), width: Double(solid.width),
                     length: Double(solid.length), rotationY: ry)
    }
}

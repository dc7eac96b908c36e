import Foundation
import Render

/// Ground truth of one drawn image (definitions in README.md).
enum GroundTruthAssembly {
    /// Ground truth of `frame` just drawn from `scene`; takes its `instance` and `inverseDepth`
    /// buffers (the masks and depth handed out), leaving them empty.
    static func make(_ scene: Scene3D, _ frame: inout FrameBuffers, classes: [String]) -> GroundTruth {
        let w = frame.width, h = frame.height, slots = scene.annotated.count
        // Per slot: min x, min y, max x, max y, visible pixels (one flat buffer, no per-access checks).
        var stats = [Int](repeating: 0, count: 5 * slots)
        for s in 0..<slots { stats[5 * s] = Int.max; stats[5 * s + 1] = Int.max; stats[5 * s + 2] = -1; stats[5 * s + 3] = -1 }
        let classOfSlot = scene.annotated.map { UInt16($0.classIndex + 1) }
        let semantic = [UInt16](unsafeUninitializedCapacity: w * h) { out, count in
            frame.instance.withUnsafeBufferPointer { instance in
            stats.withUnsafeMutableBufferPointer { st in
            classOfSlot.withUnsafeBufferPointer { classOf in
                for y in 0..<h {
                    let row = y * w
                    // One run of equal instance ids at a time.
                    var x = 0
                    while x < w {
                        let id = instance[row + x]
                        var end = x + 1
                        while end < w && instance[row + end] == id { end += 1 }
                        if id == 0 {
                            (out.baseAddress! + row + x).update(repeating: 0, count: end - x)
                        } else {
                            let b = 5 * (Int(id) - 1)
                            st[b + 4] += end - x
                            if x < st[b] { st[b] = x }
                            if y < st[b + 1] { st[b + 1] = y }
                            if end - 1 > st[b + 2] { st[b + 2] = end - 1 }
                            st[b + 3] = y
                            (out.baseAddress! + row + x).update(repeating: classOf[Int(id) - 1], count: end - x)
                        }
                        x = end
                    }
                }
            }}}
            count = w * h
        }
        let visible = (0..<slots).map { stats[5 * $0 + 4] }
        var box3D = [Box3D?](repeating: nil, count: slots)
        var anchors = [FrameAnchor?](repeating: nil, count: slots)
        for solid in scene.solids {
            box3D[solid.slot] = box(of: solid, scene.camera)
            if let a = solid.anchor { anchors[solid.slot] = anchor(a.point, direction: a.direction, scene.camera) }
        }
        let objects = scene.annotated.enumerated().map { slot, entry -> ObjectAnnotation in
            let bbox = visible[slot] > 0
                ? BoundingBox(x: stats[5 * slot], y: stats[5 * slot + 1], width: stats[5 * slot + 2] - stats[5 * slot] + 1,
                              height: stats[5 * slot + 3] - stats[5 * slot + 1] + 1)
                : nil
            let (full, truncation) = extent(frame.extent[slot], width: w, height: h)
            let alone = frame.alone[slot]
            let occlusion = alone > 0 ? max(0, 1 - Double(visible[slot]) / Double(alone)) : 0
            var object = ObjectAnnotation(node: entry.node, className: classes[entry.classIndex], instanceId: slot + 1, bbox: bbox,
                                          visiblePixels: visible[slot], visibleFraction: alone > 0 ? (1 - occlusion) * (1 - truncation) : 0,
                                          outsideCanvas: !frame.touched[slot], fullBBox: full, truncation: truncation,
                                          occlusion: occlusion, box3D: box3D[slot])
            object.frameAnchor = anchors[slot]
            return object
        }
        var depth = frame.inverseDepth
        frame.inverseDepth = []
        depth.withUnsafeMutableBufferPointer { d in
            for y in 0..<h {
                let ground = frame.groundDepth[y]
                for p in (y * w)..<(y * w + w) { d[p] = d[p] > 0 ? 1 / d[p] : ground }
            }
        }
        let instance = frame.instance
        frame.instance = []
        return GroundTruth(width: w, height: h, objects: objects, instanceMask: instance, semanticMask: semantic, depth: depth)
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

    /// A parent's place `point` (world) and direction there (unit, world) as seen on the canvas:
    /// the point's projection (px, pixel centres at +0.5), the direction's angle on screen
    /// (radians counter-clockwise, from the projections of the point and of 1 m along it), and
    /// the scale (px per metre: focal length over the point's depth). Nil when the point or the
    /// metre along lies less than 0.1 m in front of the camera.
    static func anchor(_ point: SIMD3<Float>, direction: SIMD3<Float>, _ camera: Camera3D) -> FrameAnchor? {
        let c0 = camera.toCamera(point), c1 = camera.toCamera(point + direction)
        guard c0.z >= 0.1, c1.z >= 0.1 else { return nil }
        let p0 = camera.project(c0), d = camera.project(c1) - p0
        return FrameAnchor(x: Double(p0.x), y: Double(p0.y), rotation: Double(atan2(-d.y, d.x)), scale: Double(camera.focal / c0.z))
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

import Foundation
import Render
import Tensor

/// Object-centred crops: for every visible object of the given classes, the `size × size`
/// window of its image centred on the centroid of its visible pixels (shifted inside the canvas
/// where it would cross an edge), sampled bilinearly at that sub-pixel place. φ on such crops
/// sees a small object and its immediate surroundings (a car and its road) instead of a whole
/// scene where the object is a few pixels of many.
///
/// Places come from ground truth (instance masks): the renderer's for generated images, the
/// target's own for target images (rendered targets, or labelled ones), so both sides crop the
/// same way.
///
/// `anchor: .frame` centres a window instead on the object's place on its parent
/// (`ObjectAnnotation.frameAnchor`: for a car on a road, the centreline point beside it) and
/// turns it with the parent's direction there, so every crop shows its road running left to
/// right through its middle and the object where the parent frame put it: its `offset` and
/// `heading` relative to the road become a position and a turn inside a window that does not
/// move with them (the backward pass is the renderer's VJP alone). Objects without an anchor
/// are cropped at their centroid, unturned. In a perspective view (a 3D renderer's anchors carry
/// a scale, px per metre) `extent` makes every window span the same `extent` metres at its
/// anchor's depth, so a near car and a far one fill their crops alike. Such an anchor moves
/// when the camera does; that move of the window is not in the backward pass (the camera's
/// gradient from a crop term is the renderer's alone: leave the camera to a start search and
/// out of `matching.mmd_attributes`).
///
/// A window follows its object. Autodiff through the pixels alone would differentiate a crop
/// as if the window stayed put while the object moved in it — for a translation the wrong sign
/// (moving a car off its road "uncovers" road inside the old window). With `Motion`, the
/// backward pass adds the window's own move: the bilinear crop's exact derivative for its
/// place, dotted with how far the object's centroid moves per unit of each of its node's
/// attributes (`Motion.centreDerivatives`, finite differences of the rendered centroid).
public struct ObjectCrops: Sendable, Equatable {
    /// Classes whose objects are cropped (non-empty).
    public var classes: [String]
    /// Side of a crop in pixels (≥ 1, at most the canvas's smaller side).
    public var size: Int
    /// Where a window is centred and how it is turned.
    public var anchor: Anchor
    /// With `anchor: .frame`: the world length (metres) a window spans where its object's anchor
    /// has a scale (`FrameAnchor.scale`); nil, or an anchor without a scale: `size` px.
    public var extent: Float?

    /// Where a window is centred and how it is turned.
    public enum Anchor: String, Sendable, Equatable, CaseIterable {
        /// On the centroid of the object's visible pixels, axis-aligned, kept inside the canvas.
        case centroid
        /// On the object's place on its parent (`ObjectAnnotation.frameAnchor`), turned with the
        /// parent's direction there; samples beyond the canvas take the nearest edge pixel.
        /// Objects without a frame anchor: as `centroid`.
        case frame
    }

    /// Unchecked; see the properties.
    public init(classes: [String], size: Int, anchor: Anchor = .centroid, extent: Float? = nil) {
        self.classes = classes
        self.size = size
        self.anchor = anchor
        self.extent = extent
    }

    /// A crop's place: the image it comes from, its top-left corner in pixel-index units
    /// (sub-pixel, sampled bilinearly), and the node that drew its object.
    public struct Window: Equatable, Sendable {
        /// Index of the image in the batch.
        public var image: Int
        /// Top-left corner of the unturned window, pixel-index units (pixel k's value sits at k).
        public var x: Float, y: Float
        /// Turn of the window about its centre, radians counter-clockwise on screen: crop pixel
        /// (row, col) samples the image at centre + R(angle)·(col − (size − 1)/2, row − (size − 1)/2),
        /// past the canvas at the nearest edge pixel. Nil: an unturned window inside the canvas.
        public var angle: Float? = nil
        /// Image px per crop px along both of a turned window's axes (1: the image's own pixels).
        public var scale: Float = 1
        /// The scene-graph node that drew the object (`ObjectAnnotation.node`).
        public var node: Int = 0
        /// Whether the window follows its object along x and y (false where the canvas edge
        /// holds it: there it stays put when the object moves).
        public var follows: (x: Bool, y: Bool) = (true, true)

        /// Same image, place, turn, scale, node and following.
        public static func == (a: Window, b: Window) -> Bool {
            a.image == b.image && a.x == b.x && a.y == b.y && a.angle == b.angle && a.scale == b.scale && a.node == b.node
                && a.follows == b.follows
        }
    }

    /// How the cropped objects move with the transformer's output, for the window term of the
    /// backward pass.
    public struct Motion {
        /// G_θ's output `[G, maxNodes, width]` (normalised attributes) that the images were rendered from.
        public var output: Tensor
        /// Per image, per node: (column of `output`, d centre x, d centre y), pixels per
        /// normalised unit. Nodes and columns left out do not move their object.
        public var centreDerivatives: [[Int: [(column: Int, dx: Float, dy: Float)]]]

        /// Bundles the output and the derivatives; unchecked.
        public init(output: Tensor, centreDerivatives: [[Int: [(column: Int, dx: Float, dy: Float)]]]) {
            self.output = output
            self.centreDerivatives = centreDerivatives
        }
    }

    /// The centroid (x, y, px, pixel centres at +0.5) of each object's visible pixels, by node;
    /// objects without visible pixels are left out.
    public static func centroids(_ truth: GroundTruth) -> [Int: (x: Float, y: Float)] {
        var sums = [Int: (Float, Float, Float)]()
        for (p, id) in truth.instanceMask.enumerated() where id > 0 {
            let s = sums[Int(id)] ?? (0, 0, 0)
            sums[Int(id)] = (s.0 + Float(p % truth.width) + 0.5, s.1 + Float(p / truth.width) + 0.5, s.2 + 1)
        }
        var out: [Int: (x: Float, y: Float)] = [:]
        for object in truth.objects { if let s = sums[object.instanceId] { out[object.node] = (s.0 / s.2, s.1 / s.2) } }
        return out
    }

    /// The window centre (x, y, px, pixel centres at +0.5), turn (radians; nil: unturned) and
    /// scale (image px per crop px: `extent` over `size` crop px at the anchor's scale, else 1)
    /// of each visible object of `classes` by node, as `anchor` places it; objects without
    /// visible pixels are left out.
    public func centres(_ truth: GroundTruth) -> [Int: (x: Float, y: Float, angle: Float?, scale: Float)] {
        let wanted = Set(classes)
        var out: [Int: (x: Float, y: Float, angle: Float?, scale: Float)] = [:]
        let centroids = Self.centroids(truth)
        for object in truth.objects where wanted.contains(object.className) {
            guard let c = centroids[object.node] else { continue }
            if anchor == .frame, let a = object.frameAnchor {
                var scale: Float = 1
                if let extent, let perMetre = a.scale { scale = extent * Float(perMetre) / Float(size) }
                out[object.node] = (Float(a.x), Float(a.y), Float(a.rotation), scale)
            } else {
                out[object.node] = (c.x, c.y, nil, 1)
            }
        }
        return out
    }

    /// The windows of every visible object of `classes` in `groundTruth` (one per image, in image
    /// order, then object order), for a `width × height` canvas: centred where `anchor` says;
    /// unturned windows are clamped inside the canvas.
    public func windows(_ groundTruth: [GroundTruth], width: Int, height: Int) -> [Window] {
        var out: [Window] = []
        for (i, truth) in groundTruth.enumerated() {
            let centres = centres(truth)
            for object in truth.objects {
                guard let c = centres[object.node] else { continue }
                let half = Float(size) / 2
                if let angle = c.angle {
                    out.append(Window(image: i, x: c.x - half, y: c.y - half, angle: angle, scale: c.scale, node: object.node))
                    continue
                }
                let x = min(max(0, c.x - half), Float(width - size)), y = min(max(0, c.y - half), Float(height - size))
                out.append(Window(image: i, x: x, y: y, node: object.node, follows: (x == c.x - half, y == c.y - half)))
            }
        }
        return out
    }

    /// The crops of `images` (`[N, C, H, W]`) at `windows`, `[K, C, size, size]`, differentiable
    /// in `images` (the backward pass adds each crop's gradient back into its window) and, with
    /// `motion`, in `motion.output` (the window's move; see the type's description).
    /// Turned windows sample beyond the canvas at the nearest edge pixel.
    /// - Precondition: every unturned window lies inside the images.
    public func crops(of images: Tensor, at windows: [Window], motion: Motion? = nil) -> Tensor {
        let (c, h, w, s) = (images.shape[1], images.shape[2], images.shape[3], size)
        let plane = h * w, crop = s * s
        let source = images.data
        let middle = Float(s - 1) / 2
        // Bilinear taps of crop pixel (row, col) of window k: the four neighbours and weights.
        func taps(_ win: Window, _ row: Int, _ col: Int) -> (i00: Int, i01: Int, i10: Int, i11: Int, fx: Float, fy: Float) {
            var u = win.x + Float(col), v = win.y + Float(row)
            if let angle = win.angle {
                let (a, b) = (win.scale * (Float(col) - middle), win.scale * (Float(row) - middle)), (cs, sn) = (cos(angle), sin(angle))
                // Counter-clockwise on screen (y down): R = [[cos, sin], [−sin, cos]].
                u = min(Float(w - 1), max(0, win.x + middle + cs * a + sn * b))
                v = min(Float(h - 1), max(0, win.y + middle - sn * a + cs * b))
            }
            let x0 = min(w - 1, Int(u)), y0 = min(h - 1, Int(v))
            let x1 = min(w - 1, x0 + 1), y1 = min(h - 1, y0 + 1)
            return (y0 * w + x0, y0 * w + x1, y1 * w + x0, y1 * w + x1, u - Float(x0), v - Float(y0))
        }
        var data = [Float](repeating: 0, count: windows.count * c * crop)
        for (k, win) in windows.enumerated() {
            precondition(win.image < images.shape[0] && (win.angle != nil || win.x >= 0 && win.y >= 0 && win.x + Float(s) <= Float(w) && win.y + Float(s) <= Float(h)),
                         "ObjectCrops: window \(win) outside images of shape \(images.shape)")
            for row in 0..<s { for col in 0..<s {
                let t = taps(win, row, col)
                for ch in 0..<c {
                    let base = (win.image * c + ch) * plane
                    data[((k * c + ch) * s + row) * s + col] =
                        (1 - t.fy) * ((1 - t.fx) * source[base + t.i00] + t.fx * source[base + t.i01])
                        + t.fy * ((1 - t.fx) * source[base + t.i10] + t.fx * source[base + t.i11])
                }
            } }
        }
        let output = Tensor(shape: [windows.count, c, s, s], data: data)
        let moving = motion.map { $0.output.requiresGrad } ?? false
        guard images.requiresGrad || moving else { return output }
        let shape = images.shape
        return Tensor.custom(inputs: moving ? [images, motion!.output] : [images], output: output) { g in
            var grad = [Float](repeating: 0, count: shape.reduce(1, *))
            var outGrad = moving ? [Float](repeating: 0, count: motion!.output.shape.reduce(1, *)) : []
            for (k, win) in windows.enumerated() {
                var gx: Float = 0, gy: Float = 0  // dL/d(window x, y)
                for row in 0..<s { for col in 0..<s {
                    let t = taps(win, row, col)
                    for ch in 0..<c {
                        let base = (win.image * c + ch) * plane
                        let d = g.data[((k * c + ch) * s + row) * s + col]
                        grad[base + t.i00] += d * (1 - t.fx) * (1 - t.fy)
                        grad[base + t.i01] += d * t.fx * (1 - t.fy)
                        grad[base + t.i10] += d * (1 - t.fx) * t.fy
                        grad[base + t.i11] += d * t.fx * t.fy
                        let (a, b, e, f) = (source[base + t.i00], source[base + t.i01], source[base + t.i10], source[base + t.i11])
                        gx += d * ((1 - t.fy) * (b - a) + t.fy * (f - e))
                        gy += d * ((1 - t.fx) * (e - a) + t.fx * (f - b))
                    }
                } }
                guard let motion, moving, let moves = motion.centreDerivatives[win.image][win.node] else { continue }
                let outShape = motion.output.shape
                for move in moves {
                    outGrad[(win.image * outShape[1] + win.node) * outShape[2] + move.column] +=
                        (win.follows.x ? gx * move.dx : 0) + (win.follows.y ? gy * move.dy : 0)
                }
            }
            let imageGrad = Tensor(shape: shape, data: grad)
            return moving ? [imageGrad, Tensor(shape: motion!.output.shape, data: outGrad)] : [imageGrad]
        }
    }
}

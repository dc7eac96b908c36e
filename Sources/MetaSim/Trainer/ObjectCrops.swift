import Render
import Tensor

/// Object-centred crops: for every visible object of the given classes, the `size × size`
/// window of its image centred on its box (shifted inside the canvas where it would cross an
/// edge). φ on such crops sees a small object and its immediate surroundings (a car and its
/// road) instead of a whole scene where the object is a few pixels of many.
///
/// Boxes come from ground truth: the renderer's for generated images, the target's own for
/// target images (rendered targets, or labelled ones), so both sides crop the same way.
///
/// A window follows its object. Its place is an integer function of the box, so autodiff alone
/// would differentiate a crop as if the window stayed put while the object moved in it — for a
/// translation that is the wrong sign (moving a car off its road "uncovers" road inside the old
/// window). With `Motion`, the backward pass adds the window's own move: for each window, the
/// image's spatial gradient over the crop, dotted with how far the object's centre moves per
/// unit of each of its node's attributes (`Motion.centreDerivatives`, finite differences of the
/// rendered object's centroid).
public struct ObjectCrops: Sendable, Equatable {
    /// Classes whose objects are cropped (non-empty).
    public var classes: [String]
    /// Side of a crop in pixels (≥ 1, at most the canvas's smaller side).
    public var size: Int

    /// Unchecked; see the properties.
    public init(classes: [String], size: Int) {
        self.classes = classes
        self.size = size
    }

    /// A crop's place: the image it comes from and its top-left corner, px.
    public struct Window: Equatable, Sendable {
        public var image: Int, x: Int, y: Int
        /// The scene-graph node that drew the object (`ObjectAnnotation.node`).
        public var node: Int = 0
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

    /// The windows of every visible object of `classes` in `groundTruth` (one per image, in image
    /// order, then object order), for a `width × height` canvas.
    public func windows(_ groundTruth: [GroundTruth], width: Int, height: Int) -> [Window] {
        let wanted = Set(classes)
        var out: [Window] = []
        for (i, truth) in groundTruth.enumerated() {
            for object in truth.objects where wanted.contains(object.className) {
                guard let box = object.bbox else { continue }
                let cx = box.x * 2 + box.width, cy = box.y * 2 + box.height  // twice the centre
                let x = min(max(0, (cx - size) / 2), width - size)
                let y = min(max(0, (cy - size) / 2), height - size)
                out.append(Window(image: i, x: x, y: y, node: object.node))
            }
        }
        return out
    }

    /// The crops of `images` (`[N, C, H, W]`) at `windows`, `[K, C, size, size]`, differentiable
    /// in `images` (the backward pass adds each crop's gradient back into its window) and, with
    /// `motion`, in `motion.output` (the window's move; see the type's description).
    /// - Precondition: every window lies inside the images.
    public func crops(of images: Tensor, at windows: [Window], motion: Motion? = nil) -> Tensor {
        let (c, h, w, s) = (images.shape[1], images.shape[2], images.shape[3], size)
        let plane = h * w, crop = s * s
        var data = [Float](repeating: 0, count: windows.count * c * crop)
        let source = images.data
        for (k, win) in windows.enumerated() {
            precondition(win.image < images.shape[0] && win.x >= 0 && win.y >= 0 && win.x + s <= w && win.y + s <= h,
                         "ObjectCrops: window \(win) outside images of shape \(images.shape)")
            for ch in 0..<c { for row in 0..<s {
                let from = (win.image * c + ch) * plane + (win.y + row) * w + win.x
                let to = ((k * c + ch) * s + row) * s
                for col in 0..<s { data[to + col] = source[from + col] }
            } }
        }
        let output = Tensor(shape: [windows.count, c, s, s], data: data)
        let moving = motion.map { $0.output.requiresGrad } ?? false
        guard images.requiresGrad || moving else { return output }
        let shape = images.shape
        return Tensor.custom(inputs: moving ? [images, motion!.output] : [images], output: output) { g in
            var grad = [Float](repeating: 0, count: shape.reduce(1, *))
            for (k, win) in windows.enumerated() {
                for ch in 0..<c { for row in 0..<s {
                    let to = (win.image * c + ch) * plane + (win.y + row) * w + win.x
                    let from = ((k * c + ch) * s + row) * s
                    for col in 0..<s { grad[to + col] += g.data[from + col] }
                } }
            }
            guard let motion, moving else { return [Tensor(shape: shape, data: grad)] }
            let outShape = motion.output.shape
            var outGrad = [Float](repeating: 0, count: outShape.reduce(1, *))
            for (k, win) in windows.enumerated() {
                guard let moves = motion.centreDerivatives[win.image][win.node], !moves.isEmpty else { continue }
                // dL/d(window x, y): the crop's gradient against the image's central differences.
                var gx: Float = 0, gy: Float = 0
                for ch in 0..<c { for row in 0..<s {
                    let y = win.y + row
                    for col in 0..<s {
                        let x = win.x + col
                        let base = (win.image * c + ch) * plane
                        let left = source[base + y * w + max(0, x - 1)], right = source[base + y * w + min(w - 1, x + 1)]
                        let up = source[base + max(0, y - 1) * w + x], down = source[base + min(h - 1, y + 1) * w + x]
                        let d = g.data[((k * c + ch) * s + row) * s + col]
                        gx += d * (right - left) / Float(min(w - 1, x + 1) - max(0, x - 1))
                        gy += d * (down - up) / Float(min(h - 1, y + 1) - max(0, y - 1))
                    }
                } }
                for move in moves {
                    outGrad[(win.image * outShape[1] + win.node) * outShape[2] + move.column] += gx * move.dx + gy * move.dy
                }
            }
            return [Tensor(shape: shape, data: grad), Tensor(shape: outShape, data: outGrad)]
        }
    }
}

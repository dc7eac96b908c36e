import Render
import Tensor

/// Object-centred crops: for every visible object of the given classes, the `size × size`
/// window of its image centred on its box (shifted inside the canvas where it would cross an
/// edge). φ on such crops sees a small object and its immediate surroundings (a car and its
/// road) instead of a whole scene where the object is a few pixels of many.
///
/// Boxes come from ground truth: the renderer's for generated images, the target's own for
/// target images (rendered targets, or labelled ones), so both sides crop the same way.
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
                out.append(Window(image: i, x: x, y: y))
            }
        }
        return out
    }

    /// The crops of `images` (`[N, C, H, W]`) at `windows`, `[K, C, size, size]`, differentiable
    /// in `images` (the backward pass adds each crop's gradient back into its window).
    /// - Precondition: every window lies inside the images.
    public func crops(of images: Tensor, at windows: [Window]) -> Tensor {
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
        guard images.requiresGrad else { return output }
        let shape = images.shape
        return Tensor.custom(inputs: [images], output: output) { g in
            var grad = [Float](repeating: 0, count: shape.reduce(1, *))
            for (k, win) in windows.enumerated() {
                for ch in 0..<c { for row in 0..<s {
                    let to = (win.image * c + ch) * plane + (win.y + row) * w + win.x
                    let from = ((k * c + ch) * s + row) * s
                    for col in 0..<s { grad[to + col] += g.data[from + col] }
                } }
            }
            return [Tensor(shape: shape, data: grad)]
        }
    }
}

import Codecs
import Scene
import Tensor

/// `[count, H, W, C]` → `[count, C, H, W]`.
func channelsFirst(_ pixels: [Float], count: Int, canvas: Canvas) -> [Float] {
    moveChannels(pixels, count: count, canvas: canvas, toFront: true)
}

/// `[count, C, H, W]` → `[count, H, W, C]`.
func channelsLast(_ values: [Float], count: Int, canvas: Canvas) -> [Float] {
    moveChannels(values, count: count, canvas: canvas, toFront: false)
}

/// Moves the channel axis of `count` images between last (`[H, W, C]`, how images are stored)
/// and first (`[C, H, W]`, how tensors are); grey images are returned unchanged.
private func moveChannels(_ values: [Float], count: Int, canvas: Canvas, toFront: Bool) -> [Float] {
    let c = canvas.channels
    if c == 1 { return values }
    let plane = canvas.width * canvas.height
    var out = [Float](repeating: 0, count: values.count)
    for i in 0..<count {
        for p in 0..<plane {
            for k in 0..<c {
                let last = (i * plane + p) * c + k, first = (i * c + k) * plane + p
                if toFront { out[first] = values[last] } else { out[last] = values[first] }
            }
        }
    }
    return out
}

/// Same-shaped images as one `[N, C, H, W]` tensor.
/// - Precondition: at least one image; all the same size and channels.
func tensor(_ images: [Image]) -> Tensor {
    let first = images[0]
    for (i, image) in images.enumerated() {
        precondition(image.width == first.width && image.height == first.height && image.channels == first.channels,
                     "tensor(images): image \(i) is \(image.width)x\(image.height)x\(image.channels), not \(first.width)x\(first.height)x\(first.channels)")
    }
    let canvas = Canvas(width: first.width, height: first.height, channels: first.channels)
    return Tensor(shape: [images.count, first.channels, first.height, first.width],
                  data: channelsFirst(images.flatMap(\.pixels), count: images.count, canvas: canvas))
}

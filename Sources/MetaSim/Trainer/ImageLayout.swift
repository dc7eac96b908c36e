import Scene

/// `[count, H, W, C]` → `[count, C, H, W]`.
func channelsFirst(_ pixels: [Float], count: Int, canvas: Canvas) -> [Float] {
    let c = canvas.channels
    if c == 1 { return pixels }
    let plane = canvas.width * canvas.height
    var out = [Float](repeating: 0, count: pixels.count)
    for i in 0..<count { for p in 0..<plane { for k in 0..<c { out[(i * c + k) * plane + p] = pixels[(i * plane + p) * c + k] } } }
    return out
}

/// `[count, C, H, W]` → `[count, H, W, C]`.
func channelsLast(_ values: [Float], count: Int, canvas: Canvas) -> [Float] {
    let c = canvas.channels
    if c == 1 { return values }
    let plane = canvas.width * canvas.height
    var out = [Float](repeating: 0, count: values.count)
    for i in 0..<count { for p in 0..<plane { for k in 0..<c { out[(i * plane + p) * c + k] = values[(i * c + k) * plane + p] } } }
    return out
}

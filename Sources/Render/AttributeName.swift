/// An attribute's name with its packed form (`PackedName`) worked out once. The names the
/// renderer reads itself are constants below, so that a lookup (`AttributeReader.value`) does not
/// pack the name it asks for each time (about 65 instructions of a lookup's 95, callgrind).
public struct AttributeName: Sendable {
    /// The name as written in scene graphs.
    public let string: String
    let packing: PackedName.Packing

    public init(_ string: String) {
        self.string = string
        packing = PackedName.pack(string)
    }
}

/// The attributes the compositor reads (Sources/Render/README.md lists what each one means).
extension AttributeName {
    static let visible = AttributeName("visible")
    static let background = AttributeName("background")
    static let shape = AttributeName("shape")
    static let frame = AttributeName("frame")
    static let blend = AttributeName("blend")
    static let zOrder = AttributeName("z_order")
    static let avoid = AttributeName("avoid")
    static let locX = AttributeName("loc_x")
    static let locY = AttributeName("loc_y")
    static let yaw = AttributeName("yaw")
    static let size = AttributeName("size")
    static let sizeX = AttributeName("size_x")
    static let sizeY = AttributeName("size_y")
    static let scale = AttributeName("scale")
    static let scaleX = AttributeName("scale_x")
    static let scaleY = AttributeName("scale_y")
    static let width = AttributeName("width")
    static let opacity = AttributeName("opacity")
    static let intensity = AttributeName("intensity")
    static let texture = AttributeName("texture")
    static let color = AttributeName("color")
    static let colors = [AttributeName("color_r"), AttributeName("color_g"), AttributeName("color_b")]
    static let endIntensity = AttributeName("end_intensity")
    static let endColors = [AttributeName("end_color_r"), AttributeName("end_color_g"), AttributeName("end_color_b")]
    static let noiseAmplitude = AttributeName("noise_amplitude")
    static let noiseScale = AttributeName("noise_scale")
    static let noiseSeed = AttributeName("noise_seed")
    static let gradientAngle = AttributeName("gradient_angle")
    static let along = AttributeName("along")
    static let heading = AttributeName("heading")
    static let setback = AttributeName("setback")
    static let offset = AttributeName("offset")
    static let side = AttributeName("side")
    static let points = AttributeName("points")
    static let sides = AttributeName("sides")
    static let length = AttributeName("length")
    static let curvature = AttributeName("curvature")
}

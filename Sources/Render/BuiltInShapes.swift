import Foundation

/// `shape: rectangle` (`rect`, `square`): the unit box, sized by `size_x`, `size_y`, `size` or
/// the `scale*` attributes.
struct RectangleShape: ShapeKind {
    var names: [String] { ["rectangle", "rect", "square"] }
    func compile(_ attributes: AttributeReader) throws -> ShapeDrawing {
        ShapeDrawing(outline: .rectangle, sizing: .unitBox)
    }
}

/// `shape: ellipse` (`circle`): the ellipse inscribed in the unit box.
struct EllipseShape: ShapeKind {
    var names: [String] { ["ellipse", "circle"] }
    func compile(_ attributes: AttributeReader) throws -> ShapeDrawing {
        ShapeDrawing(outline: .ellipse, sizing: .unitBox)
    }
}

/// `shape: polygon`: `points` (`"x,y x,y ..."`, at least 3, canvas px around `loc_x`, `loc_y`,
/// which default to 0) or `sides` (a regular polygon in the unit box, first vertex up, centred
/// on the canvas by default). Sized by `scale*` only.
struct PolygonShape: ShapeKind {
    var names: [String] { ["polygon"] }
    func compile(_ attributes: AttributeReader) throws -> ShapeDrawing {
        if attributes.value(.points) != nil {
            return ShapeDrawing(outline: .polygon(try attributes.points("points", minimum: 3)), sizing: .scaleOnly,
                                defaultCentre: .canvasOrigin)
        }
        guard let sides = try attributes.number(.sides) else {
            throw attributes.error("points", "a polygon needs `points` (\"x,y x,y ...\") or `sides`")
        }
        guard sides >= 3, sides <= 1024, sides == sides.rounded() else {
            throw attributes.error("sides", "must be a whole number from 3 to 1024")
        }
        let n = Int(sides)
        // Regular polygon inscribed in the unit circle of diameter 1, first vertex up.
        let vertices = (0..<n).map { i in
            let a = Float.pi / 2 + 2 * Float.pi * Float(i) / Float(n)
            return SIMD2(0.5 * cos(a), -0.5 * sin(a))
        }
        return ShapeDrawing(outline: .polygon(vertices), sizing: .scaleOnly)
    }
}

/// `shape: polyline`: `points` (at least 2, canvas px around `loc_x`, `loc_y`, default 0),
/// stroked `width` px wide with round caps and joins.
struct PolylineShape: ShapeKind {
    var names: [String] { ["polyline"] }
    func compile(_ attributes: AttributeReader) throws -> ShapeDrawing {
        ShapeDrawing(outline: .polyline(try attributes.points("points", minimum: 2)), sizing: .scaleOnly, defaultCentre: .canvasOrigin)
    }
}

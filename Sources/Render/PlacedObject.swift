import Scene

/// Where one drawn object ended up after compilation (placement on parent roads, `avoid`,
/// `z_order`): for checks of scene rules (cars on their road, houses clear of roads) and for
/// writers that want oriented boxes. Backgrounds and dropped objects are not listed.
public struct PlacedObject: Sendable {
    /// Index of the scene-graph node.
    public var node: Int
    /// The node's class.
    public var className: String
    /// Centre in canvas pixels.
    public var centre: SIMD2<Double>
    /// Rotation, degrees counter-clockwise on screen.
    public var rotationDegrees: Double
    /// Width and height before rotation, px (for shapes `size_x`, `size_y`; sprites their
    /// scaled size; polylines their scale factors).
    public var size: SIMD2<Double>
    /// Polylines and roads: the centreline's vertices in canvas pixels (an arc road's: its
    /// polyline, `RoadArc.vertices`); empty otherwise.
    public var centreline: [SIMD2<Double>]
    /// Polylines and roads: half the stroke width, px; 0 otherwise.
    public var halfWidth: Double
    let footprint: Footprint

    /// True when the two objects' footprints overlap (the test `avoid` uses: boxes, capsules
    /// for ellipses and stroked polylines; touching does not count).
    public func overlaps(_ other: PlacedObject) -> Bool { footprint.overlaps(other.footprint) }

    /// Distance from `point` to the centreline (infinite when there is none).
    public func distanceToCentreline(_ point: SIMD2<Double>) -> Double {
        if centreline.count == 1 { return Footprint.pointSegmentDistance(point, centreline[0], centreline[0]) }
        return zip(centreline, centreline.dropFirst()).map { Footprint.pointSegmentDistance(point, $0, $1) }.min() ?? .infinity
    }
}

extension CompositorRenderer {
    /// The drawn objects of `graph` in drawing order. Throws what `render` would throw.
    public func placedObjects(_ graph: SceneGraph) throws -> [PlacedObject] {
        try compile(graph, index: 0).layers.filter(\.isObject).map { layer in
            var size = SIMD2(Double(layer[.scaleX]), Double(layer[.scaleY]))
            if case .sprite(let s) = layer.content { size *= SIMD2(Double(s.width), Double(s.height)) }
            let centre = SIMD2(Double(layer[.centreX]), Double(layer[.centreY]))
            var line: [SIMD2<Double>] = [], halfWidth = 0.0
            let rotation = ScreenRotation(Double(layer[.rotation]))
            if case .shape(.polyline(let v)) = layer.content {
                line = v.map { centre + rotation.apply(SIMD2(Double($0.x), Double($0.y)) * size) }
                halfWidth = Double(layer[.halfWidth])
            } else if case .shape(.arc(let arc)) = layer.content {
                // Its polyline, not scaled (as the arc is drawn).
                line = arc.vertices.map { centre + rotation.apply(SIMD2(Double($0.x), Double($0.y))) }
                halfWidth = Double(layer[.halfWidth])
            }
            return PlacedObject(node: layer.node, className: layer.className, centre: centre,
                                rotationDegrees: Double(layer[.rotation]) * 180 / .pi, size: size,
                                centreline: line, halfWidth: halfWidth, footprint: Footprint(layer))
        }
    }
}

/// Applies a `FrameKind`'s placement to a compiled layer: its centre and rotation become the
/// frame's, and the frame's partial derivatives are chained into `ParameterLink`s that reach the
/// node's own attributes, whatever drives its height (`depth`), and the parent's attributes
/// through the parent's links (which may reach further up: placement can nest).
extension LayerCompiler {
    func applyFrame(_ frame: any FrameKind, to layer: inout Layer, _ r: AttributeReader, natural: SIMD2<Float>,
                    parent: Layer?, parentCurve: (any PlacementCurve)?) throws {
        let geometry = parent.map {
            ParentGeometry(centre: SIMD2(Double($0[.centreX]), Double($0[.centreY])), rotation: Double($0[.rotation]),
                           halfWidth: Double($0[.halfWidth]), curve: parentCurve)
        }
        let placement = try frame.place(r, depth: Double(layer[.scaleY] * natural.y), parent: geometry)
        layer[.centreX] = Float(placement.centre.x)
        layer[.centreY] = Float(placement.centre.y)
        layer[.rotation] = Float(placement.rotation)
        layer.anchor = placement.anchor

        var links: [ParameterLink] = []
        func add(_ attribute: String, _ d: SIMD3<Double>, node: Int?) {
            for (p, weight) in [(LayerParameter.centreX, d.x), (.centreY, d.y), (.rotation, d.z)] where weight != 0 {
                links.append(ParameterLink(parameter: p, attribute: attribute, weight: Float(weight), node: node))
            }
        }
        for (name, d) in placement.attributeDerivatives { add(name, d, node: nil) }
        if placement.dDepth != .zero {
            // depth = scaleY · natural height: whatever drives scaleY moves the placement.
            for link in layer.links where link.parameter == .scaleY {
                add(link.attribute, Double(natural.y * link.weight) * placement.dDepth, node: link.node)
            }
        }
        if let parent {
            for link in parent.links {
                let d: SIMD3<Double>
                switch link.parameter {
                case .centreX: d = placement.dParentCentreX
                case .centreY: d = placement.dParentCentreY
                case .rotation: d = placement.dParentRotation
                case .halfWidth: d = placement.dParentHalfWidth
                default: continue
                }
                add(link.attribute, Double(link.weight) * d, node: link.node ?? parent.node)
            }
        }
        layer.links.removeAll { $0.parameter == .centreX || $0.parameter == .centreY || $0.parameter == .rotation }
        layer.links += links
    }
}

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

        // The frame replaces the node's own centre and rotation links; the new links go after
        // the ones kept, in place (no second array).
        layer.links.removeAll { $0.parameter == .centreX || $0.parameter == .centreY || $0.parameter == .rotation }
        let kept = layer.links.count
        layer.links.reserveCapacity(kept + 3 * (placement.attributeDerivatives.count + kept + (parent?.links.count ?? 0)))
        func add(_ attribute: String, _ d: SIMD3<Double>, node: Int?) {
            // centre x, centre y, rotation, each when its weight is not 0 (no array per call).
            if d.x != 0 { layer.links.append(ParameterLink(parameter: .centreX, attribute: attribute, weight: Float(d.x), node: node)) }
            if d.y != 0 { layer.links.append(ParameterLink(parameter: .centreY, attribute: attribute, weight: Float(d.y), node: node)) }
            if d.z != 0 { layer.links.append(ParameterLink(parameter: .rotation, attribute: attribute, weight: Float(d.z), node: node)) }
        }
        for (name, d) in placement.attributeDerivatives { add(name, d, node: nil) }
        if placement.dDepth != .zero {
            // depth = scaleY · natural height: whatever drives scaleY moves the placement.
            for i in 0..<kept where layer.links[i].parameter == .scaleY {
                let link = layer.links[i]
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
    }
}

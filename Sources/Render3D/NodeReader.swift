import Diagnostics
import Scene

/// Typed access to one node's attributes for the 3D renderer, with `InputError`s located at
/// `graph N`, `nodes[K].attributes.NAME`.
struct NodeReader {
    let node: SceneNode
    let graphIndex: Int
    let nodeIndex: Int

    func error(_ attribute: String, _ message: String) -> InputError {
        InputError(file: "graph \(graphIndex)", path: "nodes[\(nodeIndex)].attributes.\(attribute)", message: message)
    }

    /// A finite number, or `fallback` when absent; throws when not a finite number.
    func number(_ name: String, _ fallback: Float) throws -> Float {
        guard let v = node.attributes[name] else { return fallback }
        guard case .number(let d) = v else { throw error(name, "must be a number") }
        guard d.isFinite else { throw error(name, "must be finite, got \(d)") }
        return Float(d)
    }

    /// A number that must lie in `range` (after defaulting).
    func number(_ name: String, _ fallback: Float, in range: ClosedRange<Float>) throws -> Float {
        let v = try number(name, fallback)
        guard range.contains(v) else { throw error(name, "must be in \(range.lowerBound)...\(range.upperBound), got \(v)") }
        return v
    }

    /// A string, nil when absent; throws when not a string.
    func string(_ name: String) throws -> String? {
        guard let v = node.attributes[name] else { return nil }
        guard case .string(let s) = v else { throw error(name, "must be a string") }
        return s
    }

    /// `color_r`, `color_g`, `color_b` (each defaulting to `fallback`'s channel; not clamped).
    func color(_ fallback: SIMD3<Float>, prefix: String = "color") throws -> SIMD3<Float> {
        SIMD3(try number(prefix + "_r", fallback.x), try number(prefix + "_g", fallback.y), try number(prefix + "_b", fallback.z))
    }

    /// `side`: −1 (left of the road) or 1 (right); default 1.
    func side() throws -> Float {
        let s = try number("side", 1)
        guard s != 0 else { throw error("side", "must be < 0 (left) or > 0 (right), got 0") }
        return s < 0 ? -1 : 1
    }

    /// False when the node has `visible: false`.
    var visible: Bool {
        if case .bool(false)? = node.attributes["visible"] { return false }
        return true
    }
}

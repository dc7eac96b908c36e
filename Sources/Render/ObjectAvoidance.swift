import Foundation

/// The `avoid` attribute: an object whose footprint overlaps an object of a listed class is not
/// drawn (as if `visible: false`), so grammars can say "houses never stand on a road" without
/// rejection sampling. Decided on the placed geometry after compilation, in graph order: an
/// object is tested against every other object not already dropped (later ones count as present).
/// The decision is piecewise constant in the attributes, so it adds no gradient term.
enum ObjectAvoidance {
    /// Class names in the node's `avoid` attribute (separated by spaces or commas); empty when
    /// the attribute is absent. Throws when it is not a string.
    static func classes(_ r: AttributeReader) throws -> [String] {
        guard let text = try r.string(.avoid) else { return [] }
        return text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
    }

    /// `classes(r)`, reusing `last` (the text and names of the previous node's `avoid`) when the
    /// text is the same: a grammar's objects of one rule repeat it.
    static func classes(_ r: AttributeReader, last: inout (text: String, classes: [String])?) throws -> [String] {
        guard let text = try r.string(.avoid) else { return [] }
        if let last, last.text == text { return last.classes }
        let names = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        last = (text, names)
        return names
    }

    /// Indices of the layers that are drawn, in order. `avoid[i]` lists the classes layer `i`
    /// must not overlap (empty: always kept).
    static func survivors(_ layers: [Layer], avoid: [[String]]) -> [Int] {
        if avoid.allSatisfy({ $0.isEmpty }) { return Array(layers.indices) }
        // One record per layer instead of an array per property.
        var states = layers.map { Candidate(isObject: $0.isObject, className: PackedName.pack($0.className)) }
        // Which layers each `avoid` list names, found once per list: a grammar's objects of one
        // rule share theirs (`classes(_:last:)` hands out the same array, which `==` sees at once).
        // A handful of names: comparing them packed beats hashing each class into a set.
        var lists: [[String]] = []
        var named: [[Bool]] = []
        for i in layers.indices where states[i].isObject && !avoid[i].isEmpty {
            if let k = lists.firstIndex(where: { $0 == avoid[i] }) { states[i].list = k; continue }
            let classes = avoid[i], packed = classes.map(PackedName.pack)
            named.append(layers.indices.map { j in
                states[j].isObject && packed.indices.contains { PackedName.equal(packed[$0], states[j].className, classes[$0], layers[j].className) }
            })
            lists.append(classes)
            states[i].list = lists.count - 1
        }
        // The footprints of the layers that avoid or are named, in one store (a pair's test then
        // reads both in place: a footprint copied per pair retained and released its arrays).
        var store = FootprintStore()
        for i in layers.indices where states[i].list != nil || named.contains(where: { $0[i] }) {
            states[i].footprint = store.add(Footprint(layers[i]))
        }
        store.withViews { view in
            for i in layers.indices {
                guard let list = states[i].list, let mine = states[i].footprint else { continue }
                for j in layers.indices where j != i && named[list][j] && !states[j].dropped {
                    guard let theirs = states[j].footprint else { continue }
                    if Footprint.overlaps(view(mine), view(theirs)) { states[i].dropped = true; break }
                }
            }
        }
        return states.indices.filter { !states[$0].dropped }
    }

    /// What `survivors` knows of one layer.
    private struct Candidate {
        var isObject: Bool
        var className: PackedName.Packing
        /// The index of its `avoid` list among the distinct ones, nil when it avoids nothing.
        var list: Int? = nil
        /// Its footprint in the store, when it avoids or is named.
        var footprint: FootprintStore.Entry? = nil
        var dropped = false
    }
}

/// Footprints kept in two shared arrays, read in place (`withViews`).
struct FootprintStore {
    private var points: [SIMD2<Double>] = []
    private var pieces: [Footprint.Piece] = []

    /// Where one footprint lies in the store, and its bounds.
    struct Entry {
        var points: Range<Int>, pieces: Range<Int>
        var bounds: Footprint.Bounds
    }

    /// Adds `footprint`'s points and pieces (each piece's `start` stays relative to its own points).
    mutating func add(_ footprint: Footprint) -> Entry {
        let p = points.count, q = pieces.count
        points.append(contentsOf: footprint.points)
        pieces.append(contentsOf: footprint.pieces)
        return Entry(points: p..<points.count, pieces: q..<pieces.count, bounds: footprint.bounds)
    }

    /// `body` with a function giving each entry's view (valid inside `body`).
    func withViews<R>(_ body: ((Entry) -> FootprintView) -> R) -> R {
        points.withUnsafeBufferPointer { points in
            pieces.withUnsafeBufferPointer { pieces in
                body { entry in
                    FootprintView(points: UnsafeBufferPointer(rebasing: points[entry.points]),
                                  pieces: UnsafeBufferPointer(rebasing: pieces[entry.pieces]), bounds: entry.bounds)
                }
            }
        }
    }
}

/// A footprint's points, pieces and bounds read in place (`Footprint.overlaps`).
struct FootprintView {
    var points: UnsafeBufferPointer<SIMD2<Double>>
    var pieces: UnsafeBufferPointer<Footprint.Piece>
    var bounds: Footprint.Bounds
}

/// What an object covers on the canvas, as convex pieces each grown by a radius (screen px):
/// rectangles and sprites their full box, ellipses the capsule along their major axis (exact
/// for circles, slightly inside for elongated ellipses), polygons their vertices (tested as if
/// convex, though a grammar's polygon may not be: `piecesConvex`), polylines one capsule per
/// segment, arcs those of their polyline (`RoadArc.vertices`). Degenerate layers and backgrounds
/// cover nothing.
/// The pieces' points live in one array (a polyline's segments share their vertices), so a
/// footprint costs two allocations whatever its number of pieces.
struct Footprint {
    struct Piece {
        /// The piece's points: `points[start..<start + count]` of its footprint.
        var start: Int, count: Int
        var radius: Double
        /// The points' bounding box (as `boxGap` computes it).
        var lo: SIMD2<Double>, hi: SIMD2<Double>
    }
    private(set) var points: [SIMD2<Double>] = []
    private(set) var pieces: [Piece] = []
    /// Bounding box of every piece's points (radii not added) and the largest radius: a whole
    /// footprint's pieces are at least this box's gap apart from another's.
    private(set) var lo = SIMD2<Double>(repeating: .infinity), hi = SIMD2<Double>(repeating: -.infinity)
    private(set) var maxRadius = 0.0
    /// False when a piece is a grammar's polygon, which may be concave (the separating-axis
    /// test, meant for convex outlines, can then find overlap between boxes that are apart).
    private(set) var piecesConvex = true

    /// What `overlaps` can decide some pairs from: the box of the points, the largest radius,
    /// whether every piece is convex, whether there is a piece at all.
    struct Bounds {
        var lo: SIMD2<Double>, hi: SIMD2<Double>, maxRadius: Double, piecesConvex: Bool, isEmpty: Bool
    }

    var bounds: Bounds { Bounds(lo: lo, hi: hi, maxRadius: maxRadius, piecesConvex: piecesConvex, isEmpty: pieces.isEmpty) }

    /// True when footprints with bounds `a` and `b` cannot overlap, known from the bounds alone:
    /// one covers nothing, or every piece pair is at least the boxes' gap apart, which exceeds the
    /// largest radii, and neither has a grammar polygon. Two convex polygons whose boxes are apart
    /// are separated along one of their edge normals, where `interiorsIntersect` finds no overlap
    /// (it allows 1e-9 px, far above rounding at canvas coordinates). False: `overlaps` decides.
    static func apart(_ a: Bounds, _ b: Bounds) -> Bool {
        if a.isEmpty || b.isEmpty { return true }
        return a.piecesConvex && b.piecesConvex && boxesApartBeyondRadii(a, b)
    }

    /// The whole boxes' gap exceeds the largest radii (with a relative and an absolute margin).
    private static func boxesApartBeyondRadii(_ a: Bounds, _ b: Bounds) -> Bool {
        let gap = pointwiseMax(a.lo - b.hi, b.lo - a.hi)
        return max(gap.x, gap.y) > (a.maxRadius + b.maxRadius) * (1 + 1e-9) + 1e-9
    }

    /// Covers nothing (a background's footprint).
    init() {}

    init(_ layer: Layer) {
        if !layer.isObject || layer.isDegenerate { return }
        let sx = Double(layer[.scaleX]), sy = Double(layer[.scaleY])
        let centre = SIMD2(Double(layer[.centreX]), Double(layer[.centreY]))
        let angle = Double(layer[.rotation])
        let rotation = ScreenRotation(angle)
        func world(_ p: SIMD2<Double>) -> SIMD2<Double> { centre + rotation.apply(p) }
        func box(_ hx: Double, _ hy: Double) {
            points = [world(SIMD2(-hx, -hy)), world(SIMD2(hx, -hy)), world(SIMD2(hx, hy)), world(SIMD2(-hx, hy))]
            addPiece(start: 0, count: 4, radius: 0)
        }
        switch layer.content {
        case .background: return
        case .sprite(let sprite): box(sx * Double(sprite.width) / 2, sy * Double(sprite.height) / 2)
        case .shape(.rectangle): box(sx / 2, sy / 2)
        case .shape(.ellipse):
            let along = abs(sx - sy) / 2
            let axis = sx >= sy ? SIMD2(along, 0) : SIMD2(0, along)
            points = [world(-axis), world(axis)]
            addPiece(start: 0, count: 2, radius: min(sx, sy) / 2)
        case .shape(.polygon(let v)):
            piecesConvex = false
            points = v.map { world(SIMD2(Double($0.x) * sx, Double($0.y) * sy)) }
            if !points.isEmpty { addPiece(start: 0, count: points.count, radius: 0) }
        case .shape(.polyline(let v)):
            capsules(v.map { world(SIMD2(Double($0.x) * sx, Double($0.y) * sy)) }, radius: Double(layer[.halfWidth]))
        case .shape(.arc(let arc)):
            // Its polyline (not scaled, as the arc is drawn).
            capsules(arc.vertices.map { world(SIMD2(Double($0.x), Double($0.y))) }, radius: Double(layer[.halfWidth]))
        }
    }

    /// One capsule of `radius` (at least 0) per segment of the polyline through `vertices`.
    private mutating func capsules(_ vertices: [SIMD2<Double>], radius: Double) {
        points = vertices
        pieces.reserveCapacity(max(points.count - 1, 0))
        for i in points.indices.dropFirst() { addPiece(start: i - 1, count: 2, radius: max(radius, 0)) }
    }

    private mutating func addPiece(start: Int, count: Int, radius: Double) {
        var pieceLo = points[start], pieceHi = pieceLo
        for p in points[start..<start + count] { pieceLo = pointwiseMin(pieceLo, p); pieceHi = pointwiseMax(pieceHi, p) }
        pieces.append(Piece(start: start, count: count, radius: radius, lo: pieceLo, hi: pieceHi))
        lo = pointwiseMin(lo, pieceLo)
        hi = pointwiseMax(hi, pieceHi)
        maxRadius = max(maxRadius, radius)
    }

    /// True when some piece of one comes closer to some piece of the other than their radii sum
    /// (touching exactly does not count).
    func overlaps(_ other: Footprint) -> Bool {
        points.withUnsafeBufferPointer { p in
            pieces.withUnsafeBufferPointer { q in
                other.points.withUnsafeBufferPointer { op in
                    other.pieces.withUnsafeBufferPointer { oq in
                        Self.overlaps(FootprintView(points: p, pieces: q, bounds: bounds), FootprintView(points: op, pieces: oq, bounds: other.bounds))
                    }
                }
            }
        }
    }

    /// `overlaps` of two footprints read in place.
    static func overlaps(_ mine: FootprintView, _ theirs: FootprintView) -> Bool {
        if apart(mine.bounds, theirs.bounds) { return false }
        func points(_ all: UnsafeBufferPointer<SIMD2<Double>>, _ piece: Piece) -> UnsafeBufferPointer<SIMD2<Double>> {
            UnsafeBufferPointer(rebasing: all[piece.start..<piece.start + piece.count])
        }
        // Every piece pair of the two is at least the whole boxes' gap apart: when that exceeds
        // the largest radii, each pair the gap test below decides is skipped there anyway, and
        // only pairs of two polygons (separating axes) remain to be tested (with convex pieces
        // only, `apart` has answered already).
        if boxesApartBeyondRadii(mine.bounds, theirs.bounds) {
            for a in mine.pieces where a.radius == 0 && a.count >= 3 {
                for b in theirs.pieces where b.radius == 0 && b.count >= 3 {
                    if interiorsIntersect(points(mine.points, a), points(theirs.points, b)) { return true }
                }
            }
            return false
        }
        for a in mine.pieces {
            for b in theirs.pieces {
                if a.radius == 0, b.radius == 0, a.count >= 3, b.count >= 3 {
                    if interiorsIntersect(points(mine.points, a), points(theirs.points, b)) { return true }
                } else if boxGap(a, b) > (a.radius + b.radius) * (1 + 1e-9) + 1e-9 {
                    // Farther apart than the radii: the distance is at least the boxes' gap (only
                    // skips the exact test, whose answer would be the same).
                    continue
                } else if distance(points(mine.points, a), points(theirs.points, b)) < a.radius + b.radius {
                    return true
                }
            }
        }
        return false
    }

    /// The gap between the bounding boxes of two pieces (`Piece.lo`, `hi`): the larger of the x
    /// and y gaps (≤ 0 when the boxes meet). Their distance is at least this.
    @inline(__always) static func boxGap(_ a: Piece, _ b: Piece) -> Double {
        let gap = pointwiseMax(a.lo - b.hi, b.lo - a.hi)
        return max(gap.x, gap.y)
    }

    /// `boxGap` of two point sets (each non-empty).
    static func boxGap(_ a: [SIMD2<Double>], _ b: [SIMD2<Double>]) -> Double {
        func bounds(_ p: [SIMD2<Double>]) -> (SIMD2<Double>, SIMD2<Double>) {
            p.dropFirst().reduce((p[0], p[0])) { (pointwiseMin($0.0, $1), pointwiseMax($0.1, $1)) }
        }
        let (aLo, aHi) = bounds(a), (bLo, bHi) = bounds(b)
        return boxGap(Piece(start: 0, count: a.count, radius: 0, lo: aLo, hi: aHi), Piece(start: 0, count: b.count, radius: 0, lo: bLo, hi: bHi))
    }

    /// Separating-axis test for two convex polygons: true when their interiors share area
    /// (projections overlap by more than 1e-9 px on every edge normal; touching is apart).
    static func interiorsIntersect(_ a: UnsafeBufferPointer<SIMD2<Double>>, _ b: UnsafeBufferPointer<SIMD2<Double>>) -> Bool {
        // The projections' extremes found in loops (no arrays per axis): the same values.
        @inline(__always) func extent(_ p: UnsafeBufferPointer<SIMD2<Double>>, _ axis: SIMD2<Double>) -> (lo: Double, hi: Double) {
            var lo = (p[0] * axis).sum(), hi = lo
            for q in p.dropFirst() {
                let v = (q * axis).sum()
                // As `Array.min()` and `max()` compare.
                if v < lo { lo = v }
                if hi < v { hi = v }
            }
            return (lo, hi)
        }
        @inline(__always) func separates(_ polygon: UnsafeBufferPointer<SIMD2<Double>>) -> Bool {
            for i in polygon.indices {
                let e = polygon[(i + 1) % polygon.count] - polygon[i]
                let axis = SIMD2(-e.y, e.x)
                if axis.x == 0 && axis.y == 0 { continue }
                let pa = extent(a, axis), pb = extent(b, axis)
                let overlap = Swift.min(pa.hi, pb.hi) - Swift.max(pa.lo, pb.lo)
                if overlap <= 1e-9 * (axis * axis).sum().squareRoot() { return true }
            }
            return false
        }
        return !separates(a) && !separates(b)
    }

    /// Distance between two convex point sets (1 point, a segment, or a polygon): 0 when they
    /// intersect or one contains the other, infinity when either is empty.
    static func distance(_ a: [SIMD2<Double>], _ b: [SIMD2<Double>]) -> Double {
        a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in distance(a, b) } }
    }

    /// `distance` of two point sets in place; infinity when either is empty.
    static func distance(_ a: UnsafeBufferPointer<SIMD2<Double>>, _ b: UnsafeBufferPointer<SIMD2<Double>>) -> Double {
        if a.isEmpty || b.isEmpty { return .infinity }
        if b.count >= 3, contains(b, a[0]) { return 0 }
        if a.count >= 3, contains(a, b[0]) { return 0 }
        // Edges: one (a degenerate one for a single point) for up to two points, else the
        // closed outline's.
        @inline(__always) func edgeCount(_ p: UnsafeBufferPointer<SIMD2<Double>>) -> Int { p.count <= 2 ? 1 : p.count }
        @inline(__always) func edge(_ p: UnsafeBufferPointer<SIMD2<Double>>, _ i: Int) -> (SIMD2<Double>, SIMD2<Double>) {
            p.count == 1 ? (p[0], p[0]) : (p[i], p[(i + 1) % p.count])
        }
        var best = Double.infinity
        for i in 0..<edgeCount(a) {
            let ea = edge(a, i)
            for j in 0..<edgeCount(b) {
                let eb = edge(b, j)
                best = min(best, segmentSegmentDistance(ea.0, ea.1, eb.0, eb.1))
            }
        }
        return best
    }

    /// Even–odd point-in-polygon test.
    private static func contains(_ polygon: UnsafeBufferPointer<SIMD2<Double>>, _ q: SIMD2<Double>) -> Bool {
        var inside = false
        var j = polygon.count - 1
        for i in polygon.indices {
            let a = polygon[j], b = polygon[i]
            if (b.y > q.y) != (a.y > q.y), q.x < b.x + (q.y - b.y) * (a.x - b.x) / (a.y - b.y) { inside.toggle() }
            j = i
        }
        return inside
    }

    static func pointSegmentDistance(_ p: SIMD2<Double>, _ a: SIMD2<Double>, _ b: SIMD2<Double>) -> Double {
        let ab = b - a
        let len2 = (ab * ab).sum()
        let h = len2 > 1e-18 ? min(max(((p - a) * ab).sum() / len2, 0), 1) : 0
        let d = p - (a + h * ab)
        return (d * d).sum().squareRoot()
    }

    static func segmentSegmentDistance(_ a: SIMD2<Double>, _ b: SIMD2<Double>, _ c: SIMD2<Double>, _ d: SIMD2<Double>) -> Double {
        func cross(_ o: SIMD2<Double>, _ p: SIMD2<Double>, _ q: SIMD2<Double>) -> Double {
            (p.x - o.x) * (q.y - o.y) - (p.y - o.y) * (q.x - o.x)
        }
        let d1 = cross(c, d, a), d2 = cross(c, d, b), d3 = cross(a, b, c), d4 = cross(a, b, d)
        if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) { return 0 }
        return min(min(pointSegmentDistance(a, c, d), pointSegmentDistance(b, c, d)),
                   min(pointSegmentDistance(c, a, b), pointSegmentDistance(d, a, b)))
    }
}

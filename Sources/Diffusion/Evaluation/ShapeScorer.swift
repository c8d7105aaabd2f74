/// What an image of the sdfarm-shapes data set shows, as measured by `ShapeScorer`.
public struct ShapeScore: Sendable, Equatable, CustomStringConvertible {
    public var background: PaletteColour
    /// nil when fewer than `ShapeScorer.minimumArea` pixels differ from the background.
    public var colour: PaletteColour?
    public var shape: ShapeKind?
    /// Pixels that differ from the background colour.
    public var area: Int
    /// area / bounding-box area.
    public var extent: Double
    /// area / convex-hull area.
    public var solidity: Double

    public var description: String {
        "\(colour?.rawValue ?? "none") \(shape?.rawValue ?? "none") on \(background.rawValue) "
            + "(area \(area), extent \(extent), solidity \(solidity))"
    }
}

/// The scorer of docs/small-model.md ("Scorer"), a port of scripts/shapes/score.py: background
/// colour from the border, shape colour from the pixels that differ from it, shape class from
/// extent and solidity. It does not look at size or position.
public enum ShapeScorer {
    /// Euclidean RGB distance from the background's palette value above which a pixel is shape.
    public static let shapeDistance = 80.0
    /// Fewer shape pixels than this: no shape.
    public static let minimumArea = 12

    public static func score(_ image: RGBImage) -> ShapeScore {
        let (w, h, c) = (image.width, image.height, image.channels)
        let p = image.pixels
        func channel(_ x: Int, _ y: Int, _ k: Int) -> UInt8 { p[(y * w + x) * c + k] }

        // 1. Background: per-channel median of the border (top, bottom, left, right; corners twice).
        var border: [[UInt8]] = [[], [], []]
        for k in 0..<3 {
            for x in 0..<w { border[k].append(channel(x, 0, k)); border[k].append(channel(x, h - 1, k)) }
            for y in 0..<h { border[k].append(channel(0, y, k)); border[k].append(channel(w - 1, y, k)) }
        }
        let bg = (median(&border[0]), median(&border[1]), median(&border[2]))
        let background = PaletteColour.nearest(bg.0, bg.1, bg.2)

        // 2. Shape mask: farther than shapeDistance from the background's palette value.
        let ref = background.rgb
        let limit = shapeDistance * shapeDistance
        var masked: [[UInt8]] = [[], [], []]
        var rowMin = [Int](repeating: Int.max, count: h), rowMax = [Int](repeating: -1, count: h)
        var area = 0
        for y in 0..<h {
            for x in 0..<w {
                let r = Double(channel(x, y, 0)), g = Double(channel(x, y, 1)), b = Double(channel(x, y, 2))
                let d = (r - ref.r) * (r - ref.r) + (g - ref.g) * (g - ref.g) + (b - ref.b) * (b - ref.b)
                guard d > limit else { continue }
                area += 1
                for k in 0..<3 { masked[k].append(channel(x, y, k)) }
                rowMin[y] = min(rowMin[y], x)
                rowMax[y] = max(rowMax[y], x)
            }
        }
        guard area >= minimumArea else {
            return ShapeScore(
                background: background, colour: nil, shape: nil, area: area, extent: 0, solidity: 0)
        }

        // 3. Shape colour: per-channel median of the shape pixels.
        let colour = PaletteColour.nearest(median(&masked[0]), median(&masked[1]), median(&masked[2]))

        // 4. Extent and solidity. The hull of every shape pixel's four corners equals the hull of
        //    the corners of each row's leftmost and rightmost shape pixels.
        let rows = (0..<h).filter { rowMax[$0] >= 0 }
        let minX = rows.map { rowMin[$0] }.min()!, maxX = rows.map { rowMax[$0] }.max()!
        let box = (maxX - minX + 1) * (rows.last! - rows.first! + 1)
        let extent = Double(area) / Double(box)
        var corners: [Point] = []
        for y in rows {
            for (px, py) in [(rowMin[y], y), (rowMin[y], y + 1), (rowMax[y] + 1, y), (rowMax[y] + 1, y + 1)] {
                corners.append(Point(x: px, y: py))
            }
        }
        let hull = convexHullArea(corners)
        let solidity = hull > 0 ? Double(area) / hull : 0

        // 5. Class.
        let shape: ShapeKind
        if solidity < 0.75 {
            shape = .star
        } else if extent > 0.9 {
            shape = .square
        } else if extent > 0.65 {
            shape = .circle
        } else {
            shape = .triangle
        }
        return ShapeScore(
            background: background, colour: colour, shape: shape, area: area, extent: extent,
            solidity: solidity)
    }

    struct Point: Hashable, Comparable {
        var x: Int, y: Int
        static func < (a: Point, b: Point) -> Bool { (a.x, a.y) < (b.x, b.y) }
    }

    /// Area of the convex hull of integer points: Andrew's monotone chain (collinear points
    /// dropped), then the shoelace formula. Fewer than 3 distinct points: 0.
    static func convexHullArea(_ points: [Point]) -> Double {
        let pts = Array(Set(points)).sorted()
        guard pts.count >= 3 else { return 0 }
        func cross(_ o: Point, _ a: Point, _ b: Point) -> Int {
            (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
        }
        var lower: [Point] = [], upper: [Point] = []
        for p in pts {
            while lower.count >= 2, cross(lower[lower.count - 2], lower[lower.count - 1], p) <= 0 {
                lower.removeLast()
            }
            lower.append(p)
        }
        for p in pts.reversed() {
            while upper.count >= 2, cross(upper[upper.count - 2], upper[upper.count - 1], p) <= 0 {
                upper.removeLast()
            }
            upper.append(p)
        }
        let hull = Array(lower.dropLast()) + Array(upper.dropLast())
        var twice = 0
        for i in hull.indices {
            let a = hull[i], b = hull[(i + 1) % hull.count]
            twice += a.x * b.y - a.y * b.x
        }
        return Double(abs(twice)) / 2
    }

    /// numpy's median: the middle value, or the mean of the two middle values.
    private static func median(_ values: inout [UInt8]) -> Double {
        values.sort()
        let n = values.count
        return n % 2 == 1 ? Double(values[n / 2]) : (Double(values[n / 2 - 1]) + Double(values[n / 2])) / 2
    }
}

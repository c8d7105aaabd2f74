/// The eight named colours of the sdfarm-shapes data set (scripts/shapes/data.py `COLOURS`),
/// in palette order: nearest-colour ties go to the earlier one.
public enum PaletteColour: String, CaseIterable, Sendable {
    case red, green, blue, yellow, orange, purple, white, black

    /// The RGB value the data set draws this colour with.
    public var rgb: (r: Double, g: Double, b: Double) {
        switch self {
        case .red: (220, 30, 30)
        case .green: (30, 170, 50)
        case .blue: (30, 60, 220)
        case .yellow: (240, 220, 30)
        case .orange: (245, 140, 20)
        case .purple: (140, 40, 170)
        case .white: (245, 245, 245)
        case .black: (15, 15, 15)
        }
    }

    /// Squared Euclidean RGB distance to this colour.
    public func squaredDistance(_ r: Double, _ g: Double, _ b: Double) -> Double {
        let c = rgb
        return (r - c.r) * (r - c.r) + (g - c.g) * (g - c.g) + (b - c.b) * (b - c.b)
    }

    /// The palette colour nearest to an RGB value (first in palette order on ties).
    public static func nearest(_ r: Double, _ g: Double, _ b: Double) -> PaletteColour {
        var best = PaletteColour.red, bestDistance = Double.infinity
        for colour in allCases {
            let d = colour.squaredDistance(r, g, b)
            if d < bestDistance { (best, bestDistance) = (colour, d) }
        }
        return best
    }
}

/// The shapes of the sdfarm-shapes data set.
public enum ShapeKind: String, CaseIterable, Sendable {
    case circle, square, triangle, star
}

import Foundation
import Testing

@testable import Diffusion

/// ShapeScorer against scripts/shapes/score.py on the PNGs of Fixtures/shapes
/// (scripts/make-shape-scorer-fixtures.py): ground-truth renders, blurred + noised renders, a
/// thin bar and an almost plain image.
@Suite("Shape scorer: Swift port against scripts/shapes/score.py")
struct ShapeScorerTests {
    static let folder = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/shapes")

    struct Expected: Decodable {
        let background: String
        let colour: String?
        let shape: String?
        let area: Int
        let extent: Double
        let solidity: Double
    }

    @Test(
        "every fixture image scores as the Python scorer says (extent and solidity within its 3-decimal rounding)"
    )
    func matchesPython() throws {
        let data = try Data(contentsOf: Self.folder.appendingPathComponent("expected.json"))
        let expected = try JSONDecoder().decode([String: Expected].self, from: data)
        #expect(expected.count == 9)
        var maxDiff = 0.0
        for (name, want) in expected.sorted(by: { $0.key < $1.key }) {
            let image = try PNGFile.read(Self.folder.appendingPathComponent(name + ".png")).image
            let got = ShapeScorer.score(image)
            #expect(got.background.rawValue == want.background, "\(name): \(got)")
            #expect(got.colour?.rawValue == want.colour, "\(name): \(got)")
            #expect(got.shape?.rawValue == want.shape, "\(name): \(got)")
            #expect(got.area == want.area, "\(name): \(got)")
            maxDiff = max(maxDiff, abs(got.extent - want.extent), abs(got.solidity - want.solidity))
            #expect(
                abs(got.extent - want.extent) <= 0.0005 + 1e-12,
                "\(name): extent \(got.extent) vs \(want.extent)")
            #expect(
                abs(got.solidity - want.solidity) <= 0.0005 + 1e-12,
                "\(name): solidity \(got.solidity) vs \(want.solidity)")
        }
        print("ShapeScorer vs score.py: max |extent/solidity diff| \(maxDiff) (Python rounds to 3 decimals)")
    }

    @Test("nearest palette colour, ties to the earlier colour")
    func nearest() {
        #expect(PaletteColour.nearest(220, 30, 30) == .red)
        #expect(PaletteColour.nearest(0, 0, 0) == .black)
        #expect(PaletteColour.nearest(250, 250, 250) == .white)
        #expect(PaletteColour.nearest(240, 150, 20) == .orange)
        // Equally far (10250) from green and blue: green comes first in palette order.
        #expect(PaletteColour.nearest(30, 115, 135) == .green)
    }

    @Test("convex hull area of pixel corners")
    func hull() {
        typealias P = ShapeScorer.Point
        #expect(
            ShapeScorer.convexHullArea([P(x: 0, y: 0), P(x: 1, y: 0), P(x: 0, y: 1), P(x: 1, y: 1)]) == 1)
        #expect(
            ShapeScorer.convexHullArea([
                P(x: 0, y: 0), P(x: 4, y: 0), P(x: 0, y: 3), P(x: 2, y: 0), P(x: 1, y: 1),
            ]) == 6)
        #expect(ShapeScorer.convexHullArea([P(x: 0, y: 0), P(x: 1, y: 1), P(x: 2, y: 2)]) == 0)
    }

    @Test("a drawn square and an RGBA image: alpha is ignored")
    func squareRGBA() throws {
        var pixels = [UInt8](repeating: 0, count: 32 * 32 * 4)
        for y in 0..<32 {
            for x in 0..<32 {
                let inside = (8..<20).contains(x) && (10..<22).contains(y)
                let c: [UInt8] = inside ? [240, 220, 30, 7] : [30, 60, 220, 255]
                for k in 0..<4 { pixels[(y * 32 + x) * 4 + k] = c[k] }
            }
        }
        let s = ShapeScorer.score(try RGBImage(width: 32, height: 32, channels: 4, pixels: pixels))
        #expect(s.background == .blue && s.colour == .yellow && s.shape == .square && s.area == 144)
        #expect(s.extent == 1 && s.solidity == 1)
    }
}

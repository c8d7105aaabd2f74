import Foundation
import Testing

@testable import Diffusion

@Suite struct PNGFileTests {
    @Test func pixelsAndTextsRoundTrip() throws {
        var pixels = [UInt8](repeating: 0, count: 13 * 7 * 3)
        for i in pixels.indices { pixels[i] = UInt8((i * 31 + i / 5) & 0xFF) }
        let image = try RGBImage(width: 13, height: 7, pixels: pixels)
        let latin = "a café, Steps: 20\nNegative prompt: ugly"
        let wide = "東京タワー 😀, Seed: 42"
        let data = try PNGFile.encode(image, texts: [("parameters", latin), ("comment", wide)])
        let back = try PNGFile.decode(data)
        #expect(back.image == image)
        #expect(back.text("parameters") == latin)
        #expect(back.text("comment") == wide)
        // Latin-1 text is stored as tEXt, the rest as iTXt (as PIL and A1111 write them).
        #expect(data.range(of: Data("tEXtparameters".utf8)) != nil)
        #expect(data.range(of: Data("iTXtcomment".utf8)) != nil)
    }

    @Test func badFilesAreClearErrors() throws {
        let image = try RGBImage(width: 8, height: 8, pixels: [UInt8](repeating: 9, count: 192))
        let data = try PNGFile.encode(image, texts: [("parameters", "x")])
        #expect { try PNGFile.decode(Data("GIF89a not a png".utf8), name: "x.gif") } throws: {
            "\($0)".contains("x.gif") && "\($0)".contains("not a PNG")
        }
        #expect { try PNGFile.decode(data.prefix(data.count / 2), name: "cut.png") } throws: {
            "\($0)".contains("cut.png")
        }
        #expect { try PNGFile.read(URL(fileURLWithPath: "/nonexistent/a.png")) } throws: {
            "\($0)".contains("no such file")
        }
        #expect(throws: ImagingError.self) { try RGBImage(width: 2, height: 2, pixels: [1, 2, 3]) }
        #expect(throws: ImagingError.self) { try PNGFile.encode(image, texts: [("", "x")]) }
    }
}

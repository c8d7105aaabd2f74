import CPNG
import Foundation
import Testing

/// Proves the libpng shim writes a PNG that reads back with identical pixels and text.
@Suite struct PNGTests {
    @Test func writtenPNGReadsBackIdentically() throws {
        let width: UInt32 = 37
        let height: UInt32 = 21
        var pixels = [UInt8](repeating: 0, count: Int(width * height * 3))
        for i in pixels.indices { pixels[i] = UInt8((i * 7 + i / 3) & 0xFF) }
        let key = "parameters"
        let text = "a red circle\nSteps: 25, Seed: 42"

        var out: UnsafeMutablePointer<UInt8>?
        var length = 0
        var error = [CChar](repeating: 0, count: 256)
        let status = key.withCString { k in
            text.withCString { t in
                var chunk = sdfarm_png_text(key: k, text: t)
                return sdfarm_png_encode(pixels, width, height, 3, &chunk, 1, &out, &length, &error, 256)
            }
        }
        #expect(status == 0, "encode failed: \(cText(error))")
        defer { sdfarm_png_free(out) }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sdfarm-\(UUID()).png")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(bytes: out!, count: length).write(to: file)

        let bytes = [UInt8](try Data(contentsOf: file))
        var image = sdfarm_png_image()
        let decoded = sdfarm_png_decode(bytes, bytes.count, 4096, &image, &error, 256)
        #expect(decoded == 0, "decode failed: \(cText(error))")
        defer { sdfarm_png_image_free(&image) }
        #expect(image.width == width && image.height == height && image.channels == 3)
        let back = Array(UnsafeBufferPointer(start: image.pixels, count: pixels.count))
        #expect(back == pixels)
        #expect(image.text_count == 1)
        #expect(String(cString: image.keys[0]!) == key)
        #expect(String(cString: image.texts[0]!) == text)
    }

    @Test func truncatedPNGIsAnErrorNotACrash() throws {
        let pixels = [UInt8](repeating: 200, count: 16 * 16 * 3)
        var out: UnsafeMutablePointer<UInt8>?
        var length = 0
        var error = [CChar](repeating: 0, count: 256)
        #expect(sdfarm_png_encode(pixels, 16, 16, 3, nil, 0, &out, &length, &error, 256) == 0)
        defer { sdfarm_png_free(out) }
        let cut = Array(UnsafeBufferPointer(start: out, count: length / 2))
        var image = sdfarm_png_image()
        #expect(sdfarm_png_decode(cut, cut.count, 4096, &image, &error, 256) != 0)
        #expect(!cText(error).isEmpty)
        var small = sdfarm_png_image()
        let whole = Array(UnsafeBufferPointer(start: out, count: length))
        #expect(sdfarm_png_decode(whole, whole.count, 8, &small, &error, 256) != 0)
        print("refused: \(cText(error))")
    }
}

/// The text of a NUL-terminated C buffer.
private func cText(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

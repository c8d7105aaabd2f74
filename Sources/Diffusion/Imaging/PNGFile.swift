import CPNG
import Foundation

/// PNG files through libpng (the CPNG shim), with text chunks such as A1111's `parameters`.
public enum PNGFile {
    /// Largest width or height read back, checked before pixels are allocated.
    public static let maxSide = 16_384
    /// Largest file read, checked before it is read.
    public static let maxFileBytes = 512 << 20

    /// A decoded PNG: its pixels and its text chunks in file order.
    public struct Contents: Sendable {
        public let image: RGBImage
        public let texts: [(key: String, text: String)]

        public func text(_ key: String) -> String? { texts.first { $0.key == key }?.text }
    }

    /// Encodes an image with text chunks (tEXt when the text fits Latin-1, iTXt otherwise).
    public static func encode(_ image: RGBImage, texts: [(key: String, text: String)] = []) throws -> Data {
        for (key, _) in texts
        where key.utf8.isEmpty || key.utf8.count > 79 || !key.allSatisfy({ $0.isASCII && !$0.isNewline }) {
            throw ImagingError("PNG text key \(key.debugDescription)", "must be 1 to 79 ASCII characters")
        }
        let keys = texts.map { strdup($0.key) }
        let values = texts.map { strdup($0.text.replacingOccurrences(of: "\0", with: "")) }
        defer {
            keys.forEach { free($0) }
            values.forEach { free($0) }
        }
        var chunks = zip(keys, values).map { sdfarm_png_text(key: $0, text: $1) }
        var out: UnsafeMutablePointer<UInt8>?
        var length = 0
        var error = [CChar](repeating: 0, count: 256)
        let status = sdfarm_png_encode(
            image.pixels, UInt32(image.width), UInt32(image.height), Int32(image.channels),
            &chunks, Int32(chunks.count), &out, &length, &error, error.count)
        guard status == 0, let out else { throw ImagingError("PNG encode", message(error)) }
        defer { sdfarm_png_free(out) }
        return Data(bytes: out, count: length)
    }

    public static func write(_ image: RGBImage, texts: [(key: String, text: String)] = [], to url: URL) throws
    {
        let data = try encode(image, texts: texts)
        do { try data.write(to: url, options: .atomic) } catch {
            throw ImagingError(url.path, "cannot write: \(error.localizedDescription)")
        }
    }

    /// Decodes PNG bytes; `name` is used in errors.
    public static func decode(_ data: Data, name: String = "PNG data") throws -> Contents {
        var decoded = sdfarm_png_image()
        var error = [CChar](repeating: 0, count: 256)
        let status = data.withUnsafeBytes { bytes in
            sdfarm_png_decode(
                bytes.bindMemory(to: UInt8.self).baseAddress, bytes.count, UInt32(maxSide), &decoded, &error,
                error.count)
        }
        guard status == 0 else { throw ImagingError(name, message(error)) }
        defer { sdfarm_png_image_free(&decoded) }
        let channels = Int(decoded.channels)
        let count = Int(decoded.width) * Int(decoded.height) * channels
        let pixels = Array(UnsafeBufferPointer(start: decoded.pixels, count: count))
        var texts: [(key: String, text: String)] = []
        for i in 0..<Int(decoded.text_count) {
            guard let key = decoded.keys[i], let text = decoded.texts[i] else { continue }
            texts.append((String(cString: key), String(cString: text)))
        }
        let image: RGBImage
        if channels == 3 || channels == 4 {
            image = try RGBImage(
                width: Int(decoded.width), height: Int(decoded.height), channels: channels, pixels: pixels)
        } else {
            throw ImagingError(name, "decoded to \(channels) channels; expected RGB or RGBA")
        }
        return Contents(image: image, texts: texts)
    }

    public static func read(_ url: URL) throws -> Contents {
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? nil
        guard let size else { throw ImagingError(url.path, "no such file") }
        guard size <= maxFileBytes else {
            throw ImagingError(url.path, "is \(size) bytes, more than the \(maxFileBytes) read")
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ImagingError(url.path, "cannot read: \(error.localizedDescription)")
        }
        return try decode(data, name: url.path)
    }

    private static func message(_ buffer: [CChar]) -> String {
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.isEmpty ? "libpng failed without a message" : text
    }
}

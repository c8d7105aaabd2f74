/// An 8-bit image, rows top to bottom, pixels interleaved (RGB, or RGBA when read from a PNG
/// that has alpha).
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// 3 (RGB) or 4 (RGBA).
    public let channels: Int
    public let pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int = 3, pixels: [UInt8]) throws {
        guard width > 0, height > 0, channels == 3 || channels == 4 else {
            throw ImagingError(
                "image", "needs a positive size and 3 or 4 channels, got \(width)x\(height)x\(channels)")
        }
        guard width.multipliedReportingOverflow(by: height * channels).partialValue == pixels.count else {
            throw ImagingError(
                "image",
                "\(width)x\(height)x\(channels) needs \(width * height * channels) bytes, got \(pixels.count)"
            )
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }
}

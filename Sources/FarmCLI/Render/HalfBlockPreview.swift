/// Draws a small RGB image in the terminal with the upper-half block `▀`: each character
/// shows two pixels, the top one as the foreground colour and the bottom one as the
/// background (24-bit ANSI colour). For `sdfarm watch`'s previews.
enum HalfBlockPreview {
    /// Lines of ANSI text for an image of `width × height` RGB bytes, scaled down (nearest
    /// pixel) to at most `maxColumns` columns. Empty if the bytes do not match the size.
    static func render(rgb: [UInt8], width: Int, height: Int, maxColumns: Int = 32) -> [String] {
        guard width > 0, height > 0, rgb.count == width * height * 3, maxColumns > 0 else { return [] }
        let columns = min(width, maxColumns)
        let rows = max(1, (height * columns / width + 1) / 2 * 2)
        func pixel(_ x: Int, _ y: Int) -> (UInt8, UInt8, UInt8) {
            let sx = min(width - 1, x * width / columns)
            let sy = min(height - 1, y * height / rows)
            let i = (sy * width + sx) * 3
            return (rgb[i], rgb[i + 1], rgb[i + 2])
        }
        var lines: [String] = []
        for y in stride(from: 0, to: rows, by: 2) {
            var line = ""
            for x in 0..<columns {
                let top = pixel(x, y)
                let bottom = y + 1 < rows ? pixel(x, y + 1) : top
                line +=
                    "\u{1B}[38;2;\(top.0);\(top.1);\(top.2)m\u{1B}[48;2;\(bottom.0);\(bottom.1);\(bottom.2)m▀"
            }
            lines.append(line + "\u{1B}[0m")
        }
        return lines
    }
}

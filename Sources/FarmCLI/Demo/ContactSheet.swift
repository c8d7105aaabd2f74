import Diffusion

/// A grid of thumbnails on a dark background: the demo's one-look summary of a batch.
///
/// Every cell is `cell × cell` pixels; an image is scaled (nearest neighbour, aspect kept)
/// to fit its cell and centred in it. Images are placed row by row in the order given; a
/// missing image (a failed item) leaves its cell marked with a red cross.
struct ContactSheet {
    static let maxCells = 1024
    static let maxCell = 1024

    let columns: Int
    let cell: Int
    let gap: Int

    init(columns: Int, cell: Int, gap: Int = 4) throws {
        guard (1...64).contains(columns), (8...Self.maxCell).contains(cell), (0...64).contains(gap) else {
            throw CLIError(
                "contact sheet: columns 1…64, cell 8…\(Self.maxCell) px, gap 0…64 px (got \(columns), \(cell), \(gap))"
            )
        }
        self.columns = columns
        self.cell = cell
        self.gap = gap
    }

    /// A sensible default: about square, at most 8 columns.
    static func columns(for count: Int) -> Int {
        var c = 1
        while c * c < count && c < 8 { c += 1 }
        return c
    }

    func render(_ images: [RGBImage?]) throws -> RGBImage {
        guard !images.isEmpty, images.count <= Self.maxCells else {
            throw CLIError("contact sheet: 1…\(Self.maxCells) images, got \(images.count)")
        }
        let rows = (images.count + columns - 1) / columns
        let width = columns * cell + (columns + 1) * gap
        let height = rows * cell + (rows + 1) * gap
        var pixels = [UInt8](repeating: 24, count: width * height * 3)
        for (n, image) in images.enumerated() {
            let x0 = gap + (n % columns) * (cell + gap)
            let y0 = gap + (n / columns) * (cell + gap)
            if let image {
                blit(image, into: &pixels, sheetWidth: width, x0: x0, y0: y0)
            } else {
                cross(into: &pixels, sheetWidth: width, x0: x0, y0: y0)
            }
        }
        return try RGBImage(width: width, height: height, pixels: pixels)
    }

    private func blit(_ image: RGBImage, into pixels: inout [UInt8], sheetWidth: Int, x0: Int, y0: Int) {
        let scale = Double(cell) / Double(max(image.width, image.height))
        let w = max(1, Int((Double(image.width) * scale).rounded()))
        let h = max(1, Int((Double(image.height) * scale).rounded()))
        let ox = x0 + (cell - w) / 2
        let oy = y0 + (cell - h) / 2
        for y in 0..<h {
            let sy = min(image.height - 1, y * image.height / h)
            for x in 0..<w {
                let sx = min(image.width - 1, x * image.width / w)
                let s = (sy * image.width + sx) * image.channels
                let d = ((oy + y) * sheetWidth + ox + x) * 3
                pixels[d] = image.pixels[s]
                pixels[d + 1] = image.pixels[s + 1]
                pixels[d + 2] = image.pixels[s + 2]
            }
        }
    }

    private func cross(into pixels: inout [UInt8], sheetWidth: Int, x0: Int, y0: Int) {
        for i in 0..<cell {
            for (x, y) in [(x0 + i, y0 + i), (x0 + cell - 1 - i, y0 + i)] {
                let d = (y * sheetWidth + x) * 3
                pixels[d] = 200
                pixels[d + 1] = 40
                pixels[d + 2] = 40
            }
        }
    }
}

import Foundation

@testable import Diffusion

/// Reads the golden files written by scripts/make-sampler-fixtures.py.
enum SamplerFixtures {
    static let format = "sdfarm-sampler-fixtures-1"

    static func url(_ relativePath: String) throws -> URL {
        guard let root = Bundle.module.resourceURL?.appendingPathComponent("Fixtures") else {
            throw FixtureError("the test bundle has no resources")
        }
        let url = root.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw FixtureError(
                "missing fixture \(relativePath): run `python3 scripts/make-sampler-fixtures.py`")
        }
        return url
    }

    /// Decodes a JSON fixture after checking its format marker.
    static func load<T: Decodable>(_ type: T.Type, _ relativePath: String) throws -> T {
        let data = try Data(contentsOf: url(relativePath))
        let header = try JSONDecoder().decode(FixtureHeader.self, from: data)
        guard header.format == format else {
            throw FixtureError(
                "\(relativePath) has format \(header.format ?? "none"), expected \(format): regenerate it with `python3 \(header.generator ?? "scripts/make-sampler-fixtures.py")`"
            )
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(T.self, from: data)
    }

    /// Reads a little-endian float32 `.npy` file (format 1.0/2.0, C order): its shape and values.
    static func loadNPY(_ relativePath: String) throws -> (shape: [Int], values: [Float]) {
        let bytes = [UInt8](try Data(contentsOf: url(relativePath)))
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
            throw FixtureError("\(relativePath) is not an .npy file")
        }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        if major == 1 {
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        } else {
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        }
        guard headerStart + headerLength <= bytes.count,
            let header = String(bytes: bytes[headerStart..<(headerStart + headerLength)], encoding: .ascii)
        else { throw FixtureError("\(relativePath): truncated .npy header") }
        guard header.contains("'descr': '<f4'"), header.contains("'fortran_order': False") else {
            throw FixtureError("\(relativePath): expected little-endian float32 in C order, header \(header)")
        }
        guard let open = header.range(of: "'shape': ("),
            let close = header[open.upperBound...].firstIndex(of: ")")
        else {
            throw FixtureError("\(relativePath): no shape in header \(header)")
        }
        let shape = header[open.upperBound..<close].split(separator: ",").compactMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        let count = shape.reduce(1, *)
        let dataStart = headerStart + headerLength
        guard bytes.count - dataStart == count * 4 else {
            throw FixtureError("\(relativePath): \(bytes.count - dataStart) data bytes for shape \(shape)")
        }
        let values = (0..<count).map { i -> Float in
            let offset = dataStart + 4 * i
            let bits =
                UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
                | UInt32(bytes[offset + 3]) << 24
            return Float(bitPattern: bits)
        }
        return (shape, values)
    }
}

struct FixtureHeader: Decodable {
    let format: String?
    let generator: String?
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The fake denoiser of scripts/make-sampler-fixtures.py, in float32:
/// ε = 0.5·tanh(x) + k_c, k_c = float32(t/1000·0.02·(c+1) − 0.03).
struct FakeDenoiser {
    let shape: LatentShape

    func callAsFunction(_ x: [Float], _ timestep: Float) -> [Float] {
        let t = Double(timestep)
        let offsets = (0..<shape.channels).map { c in Float(t / 1000.0 * 0.02 * Double(c + 1) - 0.03) }
        let plane = shape.height * shape.width
        return x.indices.map { i in
            Float(0.5) * Foundation.tanh(x[i]) + offsets[(i / plane) % shape.channels]
        }
    }
}

/// The largest |a − b| over two equal-length vectors.
func maxAbsoluteDifference(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

// Follows numpy's .npy format, version 1.0 (numpy/lib/format.py), little-endian float32 only.
import Foundation

/// float32 arrays in numpy's `.npy` format (for `--save-latents`).
public enum NPYFile {
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    /// Largest element count read back, checked before allocating.
    public static let maxElements = 1 << 30

    /// The bytes of a C-order `<f4` array of the given shape.
    public static func encode(_ values: [Float], shape: [Int]) throws -> Data {
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == values.count else {
            throw ImagingError("npy", "shape \(shape) does not hold \(values.count) values")
        }
        let dims =
            shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(dims), }"
        // Pad with spaces so that magic + version + length + header (ending "\n") is a multiple of 64.
        let unpadded = magic.count + 2 + 2 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data(magic + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: header.utf8)
        values.withUnsafeBytes { raw in
            for i in 0..<values.count {
                let bits = values[i].bitPattern.littleEndian
                withUnsafeBytes(of: bits) { data.append(contentsOf: $0) }
            }
            _ = raw
        }
        return data
    }

    /// Reads a version 1–3 `.npy` holding a C-order `<f4` array: (shape, values).
    public static func decode(_ data: Data, name: String = "npy data") throws -> (
        shape: [Int], values: [Float]
    ) {
        let bytes = [UInt8](data)
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic, (1...3).contains(bytes[6]) else {
            throw ImagingError(name, "not a .npy file (bad magic or version)")
        }
        let wide = bytes[6] >= 2
        let start = wide ? 12 : 10
        guard bytes.count >= start else { throw ImagingError(name, "truncated header") }
        var length = Int(bytes[8]) | Int(bytes[9]) << 8
        if wide { length |= Int(bytes[10]) << 16 | Int(bytes[11]) << 24 }
        guard length <= 1 << 16, bytes.count >= start + length else {
            throw ImagingError(name, "truncated or oversized header")
        }
        let header = String(decoding: bytes[start..<(start + length)], as: UTF8.self)
        guard header.contains("'descr': '<f4'") else {
            throw ImagingError(name, "only little-endian float32 ('<f4') is supported: \(header)")
        }
        guard header.contains("'fortran_order': False") else {
            throw ImagingError(name, "Fortran-order arrays are not supported")
        }
        guard let open = header.range(of: "'shape': ("),
            let close = header[open.upperBound...].firstIndex(of: ")")
        else {
            throw ImagingError(name, "header has no shape: \(header)")
        }
        let parts = header[open.upperBound..<close].split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
        let shape = try parts.map { part -> Int in
            guard let n = Int(part), n >= 0, n <= maxElements else {
                throw ImagingError(name, "bad dimension \(part) in shape")
            }
            return n
        }
        let count = try shape.reduce(1) { total, n in
            let (product, overflow) = total.multipliedReportingOverflow(by: n)
            guard !overflow, product <= maxElements else {
                throw ImagingError(name, "shape \(shape) is too large")
            }
            return product
        }
        let body = start + length
        guard bytes.count - body == count * 4 else {
            throw ImagingError(
                name, "shape \(shape) needs \(count * 4) data bytes, file has \(bytes.count - body)")
        }
        var values = [Float](repeating: 0, count: count)
        for i in 0..<count {
            let o = body + 4 * i
            let bits =
                UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(
                    bytes[o + 3]) << 24
            values[i] = Float(bitPattern: bits)
        }
        return (shape, values)
    }
}

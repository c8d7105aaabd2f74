import Foundation

/// A `.safetensors` file: an 8-byte little-endian header length, a JSON header naming each
/// tensor's dtype, shape and byte range, then the data. The header is checked against
/// `Limits` before anything is allocated; the data is memory-mapped and F32 tensors are
/// borrowed from the mapping without a copy (F16/BF16 are converted to Float32 when loaded).
public final class SafetensorsFile: Sendable {
    public struct Limits: Sendable {
        /// Largest accepted JSON header (the format's own limit is 100 MB).
        public var maxHeaderBytes = 100_000_000
        public var maxTensors = 200_000
        public var maxRank = 8
        /// Largest single tensor, in elements (2^34: far above any SD weight).
        public var maxElements = 1 << 34
        public init() {}
    }

    public struct Entry: Sendable, Equatable {
        public let name: String
        public let dtype: SafetensorsDType
        public let shape: [Int]
        /// Byte range inside the data section.
        public let begin: Int
        public let end: Int
        public var elementCount: Int { shape.reduce(1, *) }
    }

    public let path: String
    /// Entries by tensor name.
    public let entries: [String: Entry]
    /// The optional `__metadata__` map.
    public let metadata: [String: String]
    private let mapping: MappedFile
    private let dataOffset: Int

    public init(path: String, limits: Limits = Limits()) throws {
        let mapping = try MappedFile(path: path)
        self.path = path
        self.mapping = mapping
        guard mapping.size >= 8 else {
            throw CheckpointError(file: path, "truncated: \(mapping.size) bytes, no header length")
        }
        let headerLength = UInt64(littleEndian: mapping.base.loadUnaligned(as: UInt64.self))
        guard headerLength <= UInt64(limits.maxHeaderBytes) else {
            throw CheckpointError(
                file: path,
                "header length \(headerLength) exceeds the limit of \(limits.maxHeaderBytes) bytes")
        }
        guard headerLength >= 2, Int(headerLength) <= mapping.size - 8 else {
            throw CheckpointError(
                file: path,
                "truncated or corrupt: header length \(headerLength) but the file has \(mapping.size) bytes")
        }
        dataOffset = 8 + Int(headerLength)
        let headerData = Data(bytes: mapping.base + 8, count: Int(headerLength))
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: headerData)
        } catch {
            throw CheckpointError(file: path, "header is not valid JSON (\(error.localizedDescription))")
        }
        guard let object = json as? [String: Any] else {
            throw CheckpointError(file: path, "header is not a JSON object")
        }
        guard object.count <= limits.maxTensors + 1 else {
            throw CheckpointError(
                file: path, "\(object.count) header entries exceed the limit of \(limits.maxTensors)")
        }
        let dataSize = mapping.size - dataOffset
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in object {
            if name == "__metadata__" {
                guard let map = value as? [String: Any] else {
                    throw CheckpointError(file: path, "__metadata__ is not an object")
                }
                for (k, v) in map {
                    guard let s = v as? String else {
                        throw CheckpointError(file: path, "__metadata__ value '\(k)' is not a string")
                    }
                    metadata[k] = s
                }
                continue
            }
            entries[name] = try Self.parseEntry(
                name: name, value, dataSize: dataSize, limits: limits, path: path)
        }
        self.entries = entries
        self.metadata = metadata
    }

    private static func parseEntry(name: String, _ value: Any, dataSize: Int, limits: Limits, path: String)
        throws -> Entry
    {
        func fail(_ message: String) -> CheckpointError { CheckpointError(file: path, tensor: name, message) }
        guard let info = value as? [String: Any] else { throw fail("header entry is not an object") }
        guard let dtypeName = info["dtype"] as? String else { throw fail("missing dtype") }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
            throw fail("unknown dtype \(dtypeName)")
        }
        guard let shapeValues = info["shape"] as? [Any] else { throw fail("missing shape") }
        guard shapeValues.count <= limits.maxRank else {
            throw fail("rank \(shapeValues.count) exceeds \(limits.maxRank)")
        }
        var shape: [Int] = []
        var elements = 1
        for v in shapeValues {
            guard let n = (v as? NSNumber)?.intValue, n >= 0 else {
                throw fail("bad dimension \(v) in shape")
            }
            shape.append(n)
            let (product, overflow) = elements.multipliedReportingOverflow(by: n)
            guard !overflow, product <= limits.maxElements else {
                throw fail("shape \(shapeValues) is too large")
            }
            elements = product
        }
        guard let offsets = info["data_offsets"] as? [Any], offsets.count == 2,
            let begin = (offsets[0] as? NSNumber)?.intValue, let end = (offsets[1] as? NSNumber)?.intValue
        else { throw fail("missing or malformed data_offsets") }
        guard begin >= 0, begin <= end, end <= dataSize else {
            throw fail(
                "data_offsets [\(begin), \(end)] outside the data section of \(dataSize) bytes (truncated file?)"
            )
        }
        guard end - begin == elements * dtype.byteSize else {
            throw fail(
                "data_offsets span \(end - begin) bytes but shape \(shape) of \(dtype.rawValue) needs \(elements * dtype.byteSize)"
            )
        }
        return Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
    }

    /// Tensor names, sorted.
    public var names: [String] { entries.keys.sorted() }

    /// The tensor as Float32. F32 data is borrowed from the mapping (no copy) when aligned.
    public func tensor(_ name: String) throws -> Tensor {
        guard let entry = entries[name] else {
            throw CheckpointError(file: path, tensor: name, "not in this file")
        }
        return try tensor(entry)
    }

    public func tensor(_ entry: Entry) throws -> Tensor {
        let source = mapping.base + dataOffset + entry.begin
        let count = entry.elementCount
        switch entry.dtype {
        case .f32:
            if Int(bitPattern: source) % MemoryLayout<Float>.alignment == 0 {
                let storage = TensorStorage(
                    borrowing: source.assumingMemoryBound(to: Float.self), count: count, owner: mapping)
                return Tensor(shape: entry.shape, storage: storage)
            }
            var t = Tensor(uninitialized: entry.shape)
            t.withUnsafeMutableBufferPointer {
                UnsafeMutableRawPointer($0.baseAddress!).copyMemory(from: source, byteCount: count * 4)
            }
            return t
        case .f16, .bf16:
            var t = Tensor(uninitialized: entry.shape)
            let isBF16 = entry.dtype == .bf16
            t.withUnsafeMutableBufferPointer { out in
                let box = UncheckedSendable((source, out.baseAddress!))
                Parallel.forRanges(count, minChunk: 1 << 16) { range in
                    let (source, out) = box.value
                    for i in range {
                        let bits = source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
                        out[i] =
                            isBF16 ? Float(bitPattern: UInt32(bits) << 16) : Float(Float16(bitPattern: bits))
                    }
                }
            }
            return t
        default:
            throw CheckpointError(
                file: path, tensor: entry.name,
                "dtype \(entry.dtype.rawValue) cannot be loaded as a float tensor")
        }
    }
}

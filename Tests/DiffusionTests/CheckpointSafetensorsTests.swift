import Foundation
import Testing

@testable import Diffusion

/// Builds safetensors bytes by hand so each test controls every header field.
private func safetensorsBytes(header: String, data: [UInt8], headerLengthOverride: UInt64? = nil) -> Data {
    var bytes = Data()
    let headerBytes = Array(header.utf8)
    var length = (headerLengthOverride ?? UInt64(headerBytes.count)).littleEndian
    withUnsafeBytes(of: &length) { bytes.append(contentsOf: $0) }
    bytes.append(contentsOf: headerBytes)
    bytes.append(contentsOf: data)
    return bytes
}

private func floatBytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
}

private func write(_ data: Data, name: String) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sdfarm-safetensors-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let url = dir.appendingPathComponent(name)
    try data.write(to: url)
    return url.path
}

@Suite("Checkpoint: safetensors reader")
struct CheckpointSafetensorsTests {
    @Test("reads F32, F16 and BF16 as Float32, skips I64 as non-float")
    func dtypes() throws {
        let f32: [Float] = [1, -2.5, 3.25, 0, 1e-3, 65504]
        let f16: [UInt8] = [Float16(1.5), Float16(-0.25), Float16(1024)].flatMap { v in
            withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) }
        }
        let bf16: [UInt8] = [Float(2.0), Float(-3.0)].flatMap { v in
            withUnsafeBytes(of: UInt16(v.bitPattern >> 16).littleEndian) { Array($0) }
        }
        let i64: [UInt8] = Array(repeating: 0, count: 16)
        var data = floatBytes(f32)
        let f16Start = data.count; data += f16
        let bfStart = data.count; data += bf16
        let iStart = data.count; data += i64
        let header = """
            {"__metadata__":{"format":"pt"},\
            "a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,\(f16Start)]},\
            "h":{"dtype":"F16","shape":[3],"data_offsets":[\(f16Start),\(bfStart)]},\
            "b":{"dtype":"BF16","shape":[1,2],"data_offsets":[\(bfStart),\(iStart)]},\
            "ids":{"dtype":"I64","shape":[2],"data_offsets":[\(iStart),\(data.count)]}}
            """
        let path = try write(safetensorsBytes(header: header, data: data), name: "dtypes.safetensors")
        let file = try SafetensorsFile(path: path)
        #expect(file.names == ["a", "b", "h", "ids"])
        #expect(file.metadata["format"] == "pt")
        let a = try file.tensor("a")
        #expect(a.shape == [2, 3] && a.scalars == f32)
        #expect(try file.tensor("h").scalars == [1.5, -0.25, 1024])
        #expect(try file.tensor("b").scalars == [2, -3])
        #expect(throws: CheckpointError.self) { try file.tensor("ids") }
        #expect(throws: CheckpointError.self) { try file.tensor("missing") }
    }

    @Test("a borrowed F32 tensor is copied before it is written")
    func copyOnWrite() throws {
        let header = #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        // Pad the header so the data starts 4-byte aligned and is borrowed from the mapping.
        let padded = header + String(repeating: " ", count: (4 - (8 + header.utf8.count) % 4) % 4)
        let path = try write(
            safetensorsBytes(header: padded, data: floatBytes([5, 6])), name: "cow.safetensors")
        let file = try SafetensorsFile(path: path)
        var t = try file.tensor("w")
        #expect(!t.storage.isWritable)
        t[1] = 7
        #expect(t.scalars == [5, 7])
        #expect(try file.tensor("w").scalars == [5, 6])
    }

    @Test(
        "corrupt and truncated files give errors naming the file and tensor",
        arguments: [
            ("tiny", "", [UInt8](), UInt64?.none, "truncated"),
            ("huge header", "{}", [], UInt64(200_000_000), "exceeds the limit"),
            ("header past end", "{}", [], UInt64(4096), "truncated or corrupt"),
            ("not json", "{nope", [], nil, "not valid JSON"),
            ("not object", "[1,2]", [], nil, "not a JSON object"),
            (
                "bad dtype", #"{"t":{"dtype":"Q7","shape":[1],"data_offsets":[0,4]}}"#, [0, 0, 0, 0], nil,
                "unknown dtype"
            ),
            (
                "offsets outside", #"{"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, [0, 0, 0, 0],
                nil, "outside the data section"
            ),
            (
                "shape mismatch", #"{"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#,
                Array(repeating: 0, count: 8), nil, "needs 12"
            ),
            (
                "negative dim", #"{"t":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#, [], nil,
                "bad dimension"
            ),
            (
                "overflowing shape",
                #"{"t":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}}"#, [], nil,
                "too large"
            ),
            ("no offsets", #"{"t":{"dtype":"F32","shape":[1]}}"#, [], nil, "data_offsets"),
        ])
    func corrupt(_ c: (String, String, [UInt8], UInt64?, String)) throws {
        let data =
            c.0 == "tiny"
            ? Data([1, 2, 3]) : safetensorsBytes(header: c.1, data: c.2, headerLengthOverride: c.3)
        let path = try write(data, name: "bad-\(c.0.replacingOccurrences(of: " ", with: "-")).safetensors")
        do {
            _ = try SafetensorsFile(path: path)
            Issue.record("\(c.0): accepted")
        } catch let error as CheckpointError {
            print("\(c.0): \(error)")
            #expect(error.file == path)
            #expect(error.description.contains(c.4), "\(c.0): \(error)")
            if c.1.contains("\"t\"") && !c.4.contains("JSON") { #expect(error.tensor == "t") }
        }
    }

    @Test("a missing file is an error, not a crash")
    func missingFile() {
        #expect(throws: CheckpointError.self) { try SafetensorsFile(path: "/nonexistent/model.safetensors") }
    }
}

import Crypto
import Diffusion
import Foundation

/// What a checkpoint's weights are, whatever its layout: the sorted sha256s of every tensor's
/// bytes (with its dtype and element count) across its `.safetensors` files. A diffusers folder
/// and the single file it was converted from, tensor names and file split aside, have the same
/// fingerprint; `ModelHash` (the bytes of the files) tells them apart.
struct WeightsFingerprint: Equatable, Sendable {
    let tensors: [String]

    /// Reads every tensor once (only called when two checkpoints share a name).
    init(ofModelAt path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ModelCatalogError(path: path, reason: "no such file or folder")
        }
        var files: [String] = []
        if isDirectory.boolValue {
            let walker = FileManager.default.enumerator(atPath: path)
            while let relative = walker?.nextObject() as? String {
                if relative.hasSuffix(".safetensors") {
                    files.append((path as NSString).appendingPathComponent(relative))
                }
            }
        } else {
            files = [path]
        }
        var digests: [String] = []
        for file in files { digests += try Self.tensorDigests(file) }
        tensors = digests.sorted()
    }

    private static func tensorDigests(_ path: String) throws -> [String] {
        let file = try SafetensorsFile(path: path)
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ModelCatalogError(path: path, reason: "cannot open the file")
        }
        defer { try? handle.close() }
        guard let prefix = try handle.read(upToCount: 8), prefix.count == 8 else {
            throw ModelCatalogError(path: path, reason: "truncated")
        }
        let headerLength = prefix.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        let dataStart = 8 + headerLength
        return try file.entries.values.map { entry in
            try handle.seek(toOffset: dataStart + UInt64(entry.begin))
            let bytes = try handle.read(upToCount: entry.end - entry.begin) ?? Data()
            guard bytes.count == entry.end - entry.begin else {
                throw ModelCatalogError(path: path, reason: "truncated tensor \(entry.name)")
            }
            let digest = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
            return "\(entry.dtype.rawValue) \(entry.elementCount) \(digest)"
        }
    }
}

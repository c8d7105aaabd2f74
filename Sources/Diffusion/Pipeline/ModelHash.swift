import Crypto
import Foundation

/// The identity of a checkpoint: the sha256 of its bytes, as A1111 writes it ("Model hash" is
/// its first 10 hex digits) and as workers announce the models they hold.
///
/// A single-file checkpoint hashes its file. A diffusers folder hashes, in path order, each
/// `.safetensors` and `.json` file under it as `relative path NUL sha256-hex NL`, so that the
/// same folder gives the same hash on every machine whatever the file system's order.
public struct ModelHash: Hashable, Sendable, CustomStringConvertible {
    /// 64 lowercase hex digits.
    public let sha256: String

    /// The 10-digit form written into PNG parameters.
    public var short: String { String(sha256.prefix(10)) }
    public var description: String { sha256 }

    public init(sha256: String) { self.sha256 = sha256 }

    /// Hashes a single file or a diffusers folder (see the type's comment).
    public init(ofModelAt given: URL) throws {
        // A symlinked model (say, under a worker's --models) hashes as what it points to.
        let url = given.resolvingSymlinksInPath()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw ModelHashError(path: url.path, reason: "no such file or folder")
        }
        if !isDirectory.boolValue {
            sha256 = try Self.hashFile(url)
            return
        }
        guard
            let walker = FileManager.default.enumerator(
                at: url, includingPropertiesForKeys: [.isRegularFileKey])
        else {
            throw ModelHashError(path: url.path, reason: "cannot list the folder")
        }
        let base = url.standardizedFileURL.path
        var entries: [(String, URL)] = []
        for case let file as URL in walker where ["safetensors", "json"].contains(file.pathExtension) {
            let relative = String(file.standardizedFileURL.path.dropFirst(base.count + 1))
            entries.append((relative, file))
        }
        guard !entries.isEmpty else {
            throw ModelHashError(path: url.path, reason: "the folder holds no .safetensors or .json files")
        }
        var digest = SHA256()
        for (relative, file) in entries.sorted(by: { $0.0 < $1.0 }) {
            digest.update(data: Data("\(relative)\u{0}\(try Self.hashFile(file))\n".utf8))
        }
        sha256 = digest.finalize().hexString
    }

    /// Streams the file through SHA-256 in 4 MiB reads.
    static func hashFile(_ url: URL) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw ModelHashError(path: url.path, reason: "cannot open the file")
        }
        defer { try? handle.close() }
        var digest = SHA256()
        while true {
            let chunk: Data
            do {
                guard let read = try handle.read(upToCount: 4 << 20), !read.isEmpty else { break }
                chunk = read
            } catch {
                throw ModelHashError(path: url.path, reason: "read failed: \(error)")
            }
            digest.update(data: chunk)
        }
        return digest.finalize().hexString
    }
}

public struct ModelHashError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "cannot hash model \(path): \(reason)" }
}

extension Digest {
    /// Lowercase hex digits of the digest.
    var hexString: String { self.map { String(format: "%02x", $0) }.joined() }
}

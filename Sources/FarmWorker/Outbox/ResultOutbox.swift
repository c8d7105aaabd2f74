import Crypto
import FarmFiles
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The worker's results on disk until the coordinator acknowledges them (Flamenco's upstream
/// buffer): a finished image goes here first, is sent from here, and is deleted only on the
/// coordinator's acknowledgement — so a disconnect, or a worker restart, loses nothing.
///
///     OUTBOX/<item>-<fence>/entry.json, image.png, latents.bin
///
/// Each entry is built in a hidden temporary folder, fsynced, and renamed into place.
public struct ResultOutbox: Sendable {
    public let directory: String

    public init(directory: String) throws {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw OutboxError(path: directory, reason: "cannot create: \(error.localizedDescription)")
        }
        // Half-written or half-removed entries from a crash: a hidden folder, or (from a
        // removal an earlier version did in place) an entry folder without its entry.json.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            let path = "\(directory)/\(name)"
            if name.hasPrefix(".tmp-") || !FileManager.default.fileExists(atPath: "\(path)/entry.json") {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
    }

    /// Keeps a finished image; returns its entry (with the digests filled in).
    @discardableResult
    public func put(
        item: Int64, fence: Int64, job: Int64, image: RenderedImage, elapsed: Double, batchSize: Int
    ) throws -> OutboxEntry {
        let entry = OutboxEntry(
            item: item, fence: fence, job: job,
            pngSHA256: Self.sha256(image.png), latentsSHA256: Self.sha256(image.latents),
            elapsed: elapsed, batchSize: batchSize)
        let tmp = "\(directory)/.tmp-\(UUID().uuidString)"
        let final = "\(directory)/\(entry.key)"
        do {
            try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: false)
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            try Self.writeDurably(Array(try encoder.encode(entry)), to: "\(tmp)/entry.json")
            try Self.writeDurably(image.png, to: "\(tmp)/image.png")
            try Self.writeDurably(image.latents, to: "\(tmp)/latents.bin")
            if FileManager.default.fileExists(atPath: final) {
                try FileManager.default.removeItem(atPath: final)
            }
            guard rename(tmp, final) == 0 else {
                throw OutboxError(path: final, reason: "rename: \(String(cString: strerror(errno)))")
            }
            // The entry is in place; a directory that cannot be flushed leaves it as likely to survive as before.
            try? Self.syncDirectory(directory)
        } catch let error as OutboxError {
            try? FileManager.default.removeItem(atPath: tmp)
            throw error
        } catch {
            try? FileManager.default.removeItem(atPath: tmp)
            throw OutboxError(path: final, reason: "\(error)")
        }
        return entry
    }

    /// Every entry waiting, oldest item first.
    public func pending() throws -> [OutboxEntry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var entries: [OutboxEntry] = []
        for name in names where !name.hasPrefix(".") {
            let path = "\(directory)/\(name)/entry.json"
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            do {
                entries.append(try JSONDecoder().decode(OutboxEntry.self, from: data))
            } catch {
                throw OutboxError(path: path, reason: "unreadable entry: \(error)")
            }
        }
        return entries.sorted { ($0.item, $0.fence) < ($1.item, $1.fence) }
    }

    /// The PNG and latents of an entry, checked against its digests.
    public func load(_ entry: OutboxEntry) throws -> (png: [UInt8], latents: [UInt8]) {
        let base = "\(directory)/\(entry.key)"
        guard let png = FileManager.default.contents(atPath: "\(base)/image.png"),
            let latents = FileManager.default.contents(atPath: "\(base)/latents.bin")
        else { throw OutboxError(path: base, reason: "files missing") }
        let p = [UInt8](png), l = [UInt8](latents)
        guard Self.sha256(p) == entry.pngSHA256, Self.sha256(l) == entry.latentsSHA256 else {
            throw OutboxError(path: base, reason: "files do not match their digests")
        }
        return (p, l)
    }

    /// The coordinator acknowledged (or refused for good) this result: forget it.
    /// Renamed out of the way first (one atomic step), then deleted: a crash in between
    /// leaves a hidden folder that the next start removes, never a half-deleted entry.
    public func remove(item: Int64, fence: Int64) {
        let entry = "\(directory)/\(item)-\(fence)"
        let doomed = "\(directory)/.tmp-removed-\(item)-\(fence)-\(UUID().uuidString.prefix(8))"
        guard rename(entry, doomed) == 0 else { return }
        try? FileManager.default.removeItem(atPath: doomed)
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    static func writeDurably(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw OutboxError(path: path, reason: "open: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        do {
            try FileWriting.writeAll(fd, bytes)
            try FileWriting.sync(fd)
        } catch {
            throw OutboxError(path: path, reason: error.description)
        }
    }

    static func syncDirectory(_ path: String) throws {
        do { try FileWriting.syncDirectory(path) } catch {
            throw OutboxError(path: path, reason: error.description)
        }
    }
}

public struct OutboxError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "outbox \(path): \(reason)" }
}

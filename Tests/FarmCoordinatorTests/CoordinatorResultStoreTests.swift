import Crypto
import Foundation
import Testing

@testable import FarmCoordinator
@testable import FarmTesting

@Suite("Coordinator: content-addressed result store")
struct CoordinatorResultStoreTests {
    static func scratch() -> String {
        let dir = NSTemporaryDirectory() + "sdfarm-results-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func digest(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    @Test func storesUnderItsDigestAndReadsBack() throws {
        let dir = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try ResultStore(dataDirectory: dir)
        let bytes: [UInt8] = Array("a png, honestly".utf8)
        let sha = Self.digest(bytes)
        let stored = try store.put(bytes, sha256: sha, kind: .png)
        #expect(stored.sha256 == sha)
        #expect(stored.size == Int64(bytes.count))
        #expect(stored.location == "\(dir)/results/\(sha.prefix(2))/\(sha).png")
        #expect(store.contains(sha256: sha, kind: .png))
        #expect(!store.contains(sha256: sha, kind: .latents))
        #expect(try store.read(sha256: sha, kind: .png) == bytes)
        // Storing the same bytes again is harmless.
        #expect(try store.put(bytes, sha256: sha, kind: .png) == stored)
        // Nothing left in the temporary directory.
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(dir)/results/tmp").isEmpty)
    }

    @Test func chunkedUploadHashesAcrossChunks() throws {
        let dir = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try ResultStore(dataDirectory: dir)
        let whole = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let upload = try store.beginUpload(kind: .latents)
        for start in stride(from: 0, to: whole.count, by: 4096) {
            try upload.append(Array(whole[start..<min(start + 4096, whole.count)]))
        }
        let stored = try upload.finish(expectedSHA256: Self.digest(whole))
        #expect(try store.read(sha256: stored.sha256, kind: .latents) == whole)
    }

    @Test func wrongDigestIsRefusedAndLeavesNothing() throws {
        let dir = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try ResultStore(dataDirectory: dir)
        let bytes: [UInt8] = [1, 2, 3]
        let wrong = Self.digest([1, 2, 4])
        #expect(throws: ResultStoreError.self) { try store.put(bytes, sha256: wrong, kind: .png) }
        #expect(!store.contains(sha256: Self.digest(bytes), kind: .png))
        #expect(!store.contains(sha256: wrong, kind: .png))
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(dir)/results/tmp").isEmpty)
    }

    @Test func oversizedUploadIsRefusedBeforeWriting() throws {
        let dir = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try ResultStore(dataDirectory: dir, maxBytes: 10)
        let upload = try store.beginUpload(kind: .png)
        try upload.append([UInt8](repeating: 0, count: 6))
        do {
            try upload.append([UInt8](repeating: 0, count: 6))
            Issue.record("expected tooLarge")
        } catch let error as ResultStoreError {
            #expect(error.kind == .tooLarge(limit: 10))
        }
        #expect(upload.size == 6)
        upload.abort()
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(dir)/results/tmp").isEmpty)
    }

    @Test func corruptedFileIsCaughtOnRead() throws {
        let dir = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try ResultStore(dataDirectory: dir)
        let bytes: [UInt8] = Array("result".utf8)
        let stored = try store.put(bytes, sha256: Self.digest(bytes), kind: .png)
        try Data("tampered".utf8).write(to: URL(fileURLWithPath: stored.location))
        #expect(throws: ResultStoreError.self) { try store.read(sha256: stored.sha256, kind: .png) }
    }

    @Test func badDigestsAndLeftoverUploads() throws {
        let dir = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try ResultStore(dataDirectory: dir)
        #expect(throws: ResultStoreError.self) { try store.path(sha256: "../../etc/passwd", kind: .png) }
        #expect(throws: ResultStoreError.self) {
            try store.path(sha256: String(repeating: "A", count: 64), kind: .png)
        }
        // A crash mid-upload leaves a temporary file; reopening the store removes it.
        let upload = try store.beginUpload(kind: .png)
        try upload.append([1, 2, 3])
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(dir)/results/tmp").count == 1)
        _ = try ResultStore(dataDirectory: dir)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(dir)/results/tmp").isEmpty)
        upload.abort()
    }
}

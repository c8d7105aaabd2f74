import FarmProtocol
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A result arriving on a worker connection: result-begin / chunk / end checked by
/// `ResultReassembly`, the bytes streamed into the result store (hashed, fsynced, renamed) —
/// never held whole in memory. A store problem does not end the connection: the chunks are
/// still consumed and the end reports it.
struct IncomingResult {
    let results: ResultStore
    private var reassembly = ResultReassembly()
    private var png: ResultUpload?
    private var latents: ResultUpload?
    private var problem: ResultStoreError?

    init(results: ResultStore) { self.results = results }

    /// `accepting` false: the result disk is below its reserve — nothing is written, and the
    /// end reports it as the coordinator's disk problem (the worker is asked to resend later).
    mutating func begin(_ b: ResultBegin, accepting: Bool = true) throws {
        try reassembly.begin(b)
        problem = nil
        guard accepting else {
            fail(ResultStoreError.belowReserve(results.root))
            return
        }
        do {
            if b.pngSize > results.maxBytes || b.latentsSize > results.maxBytes {
                throw ResultStoreError(.tooLarge(limit: results.maxBytes), path: results.root)
            }
            png = try results.beginUpload(kind: .png)
            if b.latentsSize > 0 { latents = try results.beginUpload(kind: .latents) }
        } catch let error as ResultStoreError {
            fail(error)
        }
    }

    mutating func chunk(_ c: ResultChunk) throws {
        for (part, bytes) in try reassembly.chunk(c) where problem == nil {
            do {
                switch part {
                case .png: try png?.append(Array(bytes))
                case .latents: try latents?.append(Array(bytes))
                }
            } catch let error as ResultStoreError {
                fail(error)
            }
        }
    }

    /// The begin it closes, and the stored files or why they could not be stored.
    mutating func end(_ e: ResultEnd) throws -> (
        ResultBegin, Result<(png: StoredResult, latents: StoredResult?), ResultStoreError>
    ) {
        let b = try reassembly.end(e)
        defer { abort() }
        if let problem { return (b, .failure(problem)) }
        do {
            guard let png else {
                throw ResultStoreError(.io(operation: "upload", errno: 0), path: results.root)
            }
            let storedPNG = try png.finish(expectedSHA256: Digest.hex(b.pngSHA256))
            let storedLatents = try latents?.finish(expectedSHA256: Digest.hex(b.latentsSHA256))
            return (b, .success((storedPNG, storedLatents)))
        } catch let error as ResultStoreError {
            return (b, .failure(error))
        }
    }

    private mutating func fail(_ error: ResultStoreError) {
        problem = error
        png?.abort()
        latents?.abort()
    }

    /// Drops uploads in progress (idempotent).
    mutating func abort() {
        png?.abort()
        latents?.abort()
        png = nil
        latents = nil
    }
}

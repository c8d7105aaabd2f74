import FarmClient
import FarmProtocol

extension ResultExport {
    /// Pages through every item of `job` (64 at a time), writing each image and manifest
    /// line; `each` sees every item with its PNG (nil when the item has none). Returns how
    /// many items and images were written. What `sdfarm results` and `sdfarm demo` both do.
    @discardableResult
    func download(
        job: Int64, from conn: inout FarmClient, each: (ResultItem, [UInt8]?) throws -> Void = { _, _ in }
    )
        async throws -> (items: Int, images: Int)
    {
        var from = 0
        var items = 0
        var images = 0
        while true {
            let end = try await conn.fetchResults(job: job, from: from, limit: 64) { r, png in
                try write(
                    .init(
                        index: r.index, prompt: r.prompt, negative: r.negative, seed: r.seed,
                        settings: r.settings, state: r.state,
                        sha256: r.sha256.map(Digest.hex), worker: r.worker, error: r.error),
                    png: png)
                try each(r, png)
                items += 1
                if png != nil { images += 1 }
            }
            if !end.more { return (items, images) }
            from = end.nextIndex
        }
    }
}

import FarmProtocol

extension FarmClient {
    /// Starts a job; then `submit(_:)` items (any number of calls) and `commit()`. A priority
    /// outside Int32 is refused (`RenderSettingsValidation.checkPriority`), never clamped.
    public mutating func beginSubmit(priority: Int, owner: String, settings: String) async throws {
        do {
            try RenderSettingsValidation.checkPriority(priority)
        } catch {
            throw FarmClientError(.rejected(code: ErrorMessage.Code.badRequest.rawValue), error.description)
        }
        submitted = 0
        pendingItems = []
        pendingBytes = 0
        try await write([
            SubmitBegin(
                priority: Int32(priority), owner: String(owner.prefix(WireLimits.maxName)), settings: settings
            ).frame()
        ])
    }

    /// Queues an item; a chunk goes out whenever it reaches the size or count limit, so a
    /// huge job is never held whole, here or in one frame.
    public mutating func submit(_ item: SubmitItems.Item) async throws {
        let size = item.wireSize
        if !pendingItems.isEmpty,
            pendingBytes + size > WireLimits.submitChunkBytes
                || pendingItems.count >= WireLimits.maxSubmitItemsPerFrame
        {
            try await flushItems()
        }
        pendingItems.append(item)
        pendingBytes += size
        submitted += 1
    }

    mutating func flushItems() async throws {
        guard !pendingItems.isEmpty else { return }
        try await write([SubmitItems(items: pendingItems).frame()])
        pendingItems.removeAll(keepingCapacity: true)
        pendingBytes = 0
    }

    /// Items submitted since `beginSubmit`.
    public var submittedCount: Int { submitted }

    /// Stores the job; returns what the coordinator said.
    public mutating func commit() async throws -> Submitted {
        try await flushItems()
        try await write([SubmitCommit(itemCount: submitted).frame()])
        guard case .submitted(let s) = try await reply("the job id") else { throw unexpected("submitted") }
        return s
    }
}

import NIOCore

/// A job starts (docs/protocol.md, "submit-begin"): i32 priority, string owner (≤256),
/// string settings (job-level JSON, ≤64 KiB). Items follow in submit-items chunks; nothing is
/// stored until submit-commit, and a connection that closes first stores nothing.
public struct SubmitBegin: WireMessage {
    public static let rawID = ClientMessageID.submitBegin.rawValue
    public var priority: Int32
    public var owner: String
    public var settings: String
    public init(priority: Int32, owner: String, settings: String) {
        self.priority = priority; self.owner = owner; self.settings = settings
    }
    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(priority); buffer.wireWriteString(owner); buffer.wireWriteString(settings)
    }
    public static func decode(from buffer: inout ByteBuffer) throws -> SubmitBegin {
        SubmitBegin(
            priority: try buffer.wireRead(Int32.self, "priority"),
            owner: try buffer.wireReadString("owner", limit: WireLimits.maxName),
            settings: try buffer.wireReadString("settings"))
    }
}

/// One chunk of the job's items (docs/protocol.md, "submit-items"): count (1…1024) ×
/// (string prompt, string negative, u64 seed, render spec). Items are numbered in the order
/// they arrive across chunks.
public struct SubmitItems: WireMessage {
    public static let rawID = ClientMessageID.submitItems.rawValue
    public struct Item: Equatable, Sendable {
        public var prompt: String
        public var negative: String
        public var seed: UInt64
        public var spec: RenderSettings
        public init(prompt: String, negative: String, seed: UInt64, spec: RenderSettings) {
            self.prompt = prompt; self.negative = negative; self.seed = seed; self.spec = spec
        }
        /// Bytes this item takes on the wire (for chunking by size).
        public var wireSize: Int {
            var b = ByteBuffer()
            SubmitItems.encode(self, into: &b)
            return b.readableBytes
        }
    }
    public var items: [Item]
    public init(items: [Item]) { self.items = items }

    static func encode(_ i: Item, into buffer: inout ByteBuffer) {
        buffer.wireWriteString(i.prompt); buffer.wireWriteString(i.negative); buffer.writeInteger(i.seed);
        i.spec.encode(into: &buffer)
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt16(items.count))
        for i in items { Self.encode(i, into: &buffer) }
    }

    public static func decode(from buffer: inout ByteBuffer) throws -> SubmitItems {
        let n = try buffer.wireReadCount("item count", limit: WireLimits.maxSubmitItemsPerFrame)
        guard n >= 1 else { throw ProtocolError.invalidValue(field: "item count", value: 0) }
        var items: [Item] = []
        items.reserveCapacity(n)
        for _ in 0..<n {
            let prompt = try buffer.wireReadString("prompt")
            let negative = try buffer.wireReadString("negative")
            let seed = try buffer.wireRead(UInt64.self, "seed")
            items.append(
                Item(
                    prompt: prompt, negative: negative, seed: seed,
                    spec: try RenderSettings.decode(from: &buffer)))
        }
        return SubmitItems(items: items)
    }
}

/// The job is complete (docs/protocol.md, "submit-commit"): u32 item count, which must equal
/// the items sent; the coordinator stores the job in one transaction and answers submitted.
public struct SubmitCommit: WireMessage {
    public static let rawID = ClientMessageID.submitCommit.rawValue
    public var itemCount: Int
    public init(itemCount: Int) { self.itemCount = itemCount }
    public func encode(into buffer: inout ByteBuffer) { buffer.writeInteger(UInt32(itemCount)) }
    public static func decode(from buffer: inout ByteBuffer) throws -> SubmitCommit {
        SubmitCommit(itemCount: try buffer.wireReadU32("item count", in: 1...WireLimits.maxItemsPerJob))
    }
}

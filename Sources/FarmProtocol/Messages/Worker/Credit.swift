import NIOCore

/// The worker asks for up to `count` items (docs/protocol.md, "credit"): u16 count, 1...maxItemsPerFrame.
public struct Credit: WireMessage {
    public static let rawID = WorkerMessageID.credit.rawValue
    public var count: UInt16
    public init(count: UInt16) { self.count = count }
    public func encode(into buffer: inout ByteBuffer) { buffer.writeInteger(count) }
    public static func decode(from buffer: inout ByteBuffer) throws -> Credit {
        let n = try buffer.wireRead(UInt16.self, "count")
        guard n >= 1, Int(n) <= WireLimits.maxItemsPerFrame else {
            throw ProtocolError.invalidValue(field: "count", value: Int(n))
        }
        return Credit(count: n)
    }
}

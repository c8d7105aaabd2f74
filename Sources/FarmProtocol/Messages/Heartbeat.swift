import NIOCore

/// Worker liveness (docs/protocol.md, "heartbeat"): u64 monotonic sequence number.
public struct Heartbeat: WireMessage {
    public static let rawID = WorkerMessageID.heartbeat.rawValue
    public var sequence: UInt64
    public init(sequence: UInt64) { self.sequence = sequence }
    public func encode(into buffer: inout ByteBuffer) { buffer.writeInteger(sequence) }
    public static func decode(from buffer: inout ByteBuffer) throws -> Heartbeat {
        Heartbeat(sequence: try buffer.wireRead(UInt64.self, "sequence"))
    }
}

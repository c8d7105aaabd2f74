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

/// The coordinator answers a heartbeat (docs/protocol.md, "heartbeat-ack"): u64 the sequence
/// it answers. A worker that hears nothing for three heartbeat intervals reconnects.
public struct HeartbeatAck: WireMessage {
    public static let rawID = CoordinatorToWorkerMessageID.heartbeatAck.rawValue
    public var sequence: UInt64
    public init(sequence: UInt64) { self.sequence = sequence }
    public func encode(into buffer: inout ByteBuffer) { buffer.writeInteger(sequence) }
    public static func decode(from buffer: inout ByteBuffer) throws -> HeartbeatAck {
        HeartbeatAck(sequence: try buffer.wireRead(UInt64.self, "sequence"))
    }
}

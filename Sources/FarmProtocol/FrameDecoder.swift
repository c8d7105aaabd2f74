import NIOCore

/// Incremental frame decoder (docs/protocol.md, "Frame"). Rejects a declared length over the
/// limit as soon as the 4-byte header arrives, before buffering the payload. The limit is
/// fixed, or a connection's `FrameLimit` (the handshake's size until the peer authenticated).
public struct FrameDecoder: ByteToMessageDecoder, Sendable {
    public typealias InboundOut = Frame
    let fixed: Int
    let limit: FrameLimit?

    /// The largest payload accepted now.
    public var maxPayload: Int { limit?.maxPayload ?? fixed }

    public init(maxPayload: Int = WireLimits.maxFramePayload) { fixed = maxPayload; limit = nil }

    public init(limit: FrameLimit) { fixed = WireLimits.maxFramePayload; self.limit = limit }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws
        -> DecodingState
    {
        guard let frame = try Self.parse(&buffer, maxPayload: maxPayload) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool)
        throws -> DecodingState
    {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0 { throw ProtocolError.truncated(field: "frame") }
        return .needMoreData
    }

    /// Takes one whole frame off `buffer`, or returns nil (consuming nothing) if it is not all there.
    public static func parse(_ buffer: inout ByteBuffer, maxPayload: Int = WireLimits.maxFramePayload) throws
        -> Frame?
    {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        let n = Int(length)
        guard n <= maxPayload else { throw ProtocolError.frameTooLarge(length: n, limit: maxPayload) }
        guard n >= 2 + FrameChecksum.size else {
            throw ProtocolError.invalidValue(field: "frame length", value: n)
        }
        guard buffer.readableBytes >= 4 + n else { return nil }
        let covered = n - FrameChecksum.size
        let sent = buffer.getInteger(at: buffer.readerIndex + 4 + covered, as: UInt32.self)!
        let actual = buffer.withUnsafeReadableBytes { raw in
            FrameChecksum.crc32c(UnsafeRawBufferPointer(rebasing: raw[4..<(4 + covered)]))
        }
        buffer.moveReaderIndex(forwardBy: 4)
        let id: UInt16 = buffer.readInteger()!
        guard sent == actual else { throw ProtocolError.checksumMismatch(messageID: id) }
        let body = buffer.readSlice(length: covered - 2)!
        buffer.moveReaderIndex(forwardBy: FrameChecksum.size)
        return Frame(messageID: id, body: body)
    }
}

/// Frame encoder (docs/protocol.md, "Frame").
public struct FrameEncoder: MessageToByteEncoder, Sendable {
    public typealias OutboundIn = Frame
    public init() {}

    public func encode(data: Frame, out: inout ByteBuffer) throws {
        Self.write(data, into: &out)
    }

    public static func write(_ frame: Frame, into out: inout ByteBuffer) {
        out.writeInteger(UInt32(2 + frame.body.readableBytes + FrameChecksum.size))
        let start = out.writerIndex - out.readerIndex
        out.writeInteger(frame.messageID)
        var body = frame.body
        out.writeBuffer(&body)
        let crc = out.withUnsafeReadableBytes { raw in
            FrameChecksum.crc32c(UnsafeRawBufferPointer(rebasing: raw[start...]))
        }
        out.writeInteger(crc)
    }
}

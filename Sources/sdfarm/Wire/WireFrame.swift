import NIOCore

/// INTERIM WIRE (replaced by Sources/FarmProtocol when it lands): frames are a 4-byte
/// big-endian payload length, then that many bytes of JSON (one `WireMessage`). The length is
/// checked against the cap before anything is allocated.
enum WireFrame {
    static let maxPayload = 32 << 20
}

/// Splits the byte stream into frames; an oversized or empty length closes the connection.
struct WireFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return .needMoreData }
        guard length > 0, length <= WireFrame.maxPayload else { throw WireError("frame of \(length) bytes is outside 1…\(WireFrame.maxPayload)") }
        guard buffer.readableBytes >= 4 + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        context.fireChannelRead(wrapInboundOut(buffer.readSlice(length: Int(length))!))
        return .continue
    }
}

/// Prefixes each outgoing payload with its length.
struct WireFrameEncoder: MessageToByteEncoder {
    typealias OutboundIn = ByteBuffer

    func encode(data: ByteBuffer, out: inout ByteBuffer) throws {
        guard data.readableBytes <= WireFrame.maxPayload else { throw WireError("outgoing frame of \(data.readableBytes) bytes is too large") }
        out.writeInteger(UInt32(data.readableBytes))
        out.writeImmutableBuffer(data)
    }
}

struct WireError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// A tiny HTTP/1 responder for Prometheus: `GET /metrics` answers the text exposition,
/// anything else 404 (405 for other methods). One request per connection is all a scraper
/// needs, but keep-alive is honoured.
public final class MetricsServer: Sendable {
    public typealias Render = @Sendable () async -> String

    private let channel: Channel
    /// The bound address (useful when asked for port 0).
    public var localAddress: SocketAddress? { channel.localAddress }

    private init(channel: Channel) {
        self.channel = channel
    }

    /// Binds and starts serving.
    public static func start(host: String, port: Int, group: EventLoopGroup, render: @escaping Render)
        async throws -> MetricsServer
    {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline(withErrorHandling: true).flatMap {
                    channel.pipeline.addHandler(MetricsHTTPHandler(render: render))
                }
            }
        let channel = try await bootstrap.bind(host: host, port: port).get()
        return MetricsServer(channel: channel)
    }

    public func stop() async {
        try? await channel.close().get()
    }
}

final class MetricsHTTPHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let render: MetricsServer.Render

    init(render: @escaping MetricsServer.Render) {
        self.render = render
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let head) = unwrapInboundIn(data) else { return }
        let keepAlive = head.isKeepAlive
        let version = head.version
        let loop = context.eventLoop
        let bound = NIOLoopBound(context, eventLoop: loop)
        if head.method != .GET && head.method != .HEAD {
            respond(
                bound.value, status: .methodNotAllowed, body: "only GET\n", contentType: "text/plain",
                version: version, keepAlive: keepAlive, includeBody: true)
            return
        }
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        guard path == "/metrics" else {
            respond(
                bound.value, status: .notFound, body: "try /metrics\n", contentType: "text/plain",
                version: version, keepAlive: keepAlive, includeBody: true)
            return
        }
        let render = self.render
        let includeBody = head.method == .GET
        loop.makeFutureWithTask { await render() }.whenSuccess { text in
            self.respond(
                bound.value, status: .ok, body: text, contentType: PrometheusText.contentType,
                version: version, keepAlive: keepAlive, includeBody: includeBody)
        }
    }

    private func respond(
        _ context: ChannelHandlerContext, status: HTTPResponseStatus, body: String, contentType: String,
        version: HTTPVersion, keepAlive: Bool, includeBody: Bool
    ) {
        var buffer = context.channel.allocator.buffer(capacity: body.utf8.count)
        buffer.writeString(body)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(buffer.readableBytes))
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: version, status: status, headers: headers))),
            promise: nil)
        if includeBody { context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil) }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

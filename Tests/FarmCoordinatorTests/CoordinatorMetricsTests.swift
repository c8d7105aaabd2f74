import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import FarmCoordinator
@testable import FarmTesting

@Suite("Coordinator: Prometheus metrics")
struct CoordinatorMetricsTests {
    static func sample() -> FarmMetrics {
        var m = FarmMetrics()
        m.queueDepth = 12
        m.itemsDone = 30
        m.itemsFailed = 1
        m.leaseExpiries = 2
        m.previewsDropped = 40
        m.workersByState = ["idle": 1, "active": 2]
        m.workers = [
            "gpu-1": .init(imagesDone: 20, imagesPerMinute: 12.5), "odd \"name\"\n": .init(imagesDone: 10),
        ]
        return m
    }

    @Test func rendersTheTextFormat() {
        let text = PrometheusText.render(Self.sample())
        #expect(text.contains("# TYPE sdfarm_queue_depth gauge\nsdfarm_queue_depth 12\n"))
        #expect(text.contains("# TYPE sdfarm_items_done_total counter\nsdfarm_items_done_total 30\n"))
        #expect(text.contains("sdfarm_items_failed_total 1\n"))
        #expect(text.contains("sdfarm_lease_expiries_total 2\n"))
        #expect(text.contains("sdfarm_previews_dropped_total 40\n"))
        #expect(text.contains("sdfarm_workers{state=\"active\"} 2\nsdfarm_workers{state=\"idle\"} 1\n"))
        #expect(text.contains("sdfarm_worker_images_total{worker=\"gpu-1\"} 20\n"))
        #expect(text.contains("sdfarm_worker_images_per_minute{worker=\"gpu-1\"} 12.5\n"))
        // Label values are escaped; a worker not yet measured has no throughput sample.
        #expect(text.contains("sdfarm_worker_images_total{worker=\"odd \\\"name\\\"\\n\"} 10\n"))
        #expect(!text.contains("images_per_minute{worker=\"odd"))
        // Every line is a comment or `name{labels} value`.
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(line.split(separator: " ").count >= 2)
        }
    }

    @Test func servesMetricsOverHTTP() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await MetricsServer.start(host: "127.0.0.1", port: 0, group: group) {
            PrometheusText.render(Self.sample())
        }
        let port = try #require(server.localAddress?.port)
        let ok = try await Self.get(path: "/metrics", port: port, group: group)
        #expect(ok.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(ok.contains("Content-Type: text/plain; version=0.0.4"))
        #expect(ok.contains("sdfarm_queue_depth 12\n"))
        let missing = try await Self.get(path: "/nope", port: port, group: group)
        #expect(missing.hasPrefix("HTTP/1.1 404 Not Found\r\n"))
        await server.stop()
        try await group.shutdownGracefully()
    }

    /// A raw HTTP/1.1 GET with `Connection: close`; returns everything the server sent.
    static func get(path: String, port: Int, group: EventLoopGroup) async throws -> String {
        let done = group.next().makePromise(of: Void.self)
        let collect = Collect(done: done)
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.pipeline.addHandler(collect)
            }
            .connect(host: "127.0.0.1", port: port).get()
        var request = channel.allocator.buffer(capacity: 128)
        request.writeString("GET \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        try await channel.writeAndFlush(request)
        try await done.futureResult.get()
        return collect.text.withLock { $0 }
    }

    final class Collect: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let text = Mutex("")
        let done: EventLoopPromise<Void>
        init(done: EventLoopPromise<Void>) {
            self.done = done
        }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            let s = buffer.readString(length: buffer.readableBytes) ?? ""
            text.withLock { $0 += s }
        }
        func channelInactive(context: ChannelHandlerContext) {
            done.succeed(())
        }
    }
}

import FarmProtocol
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Bytes of uncommitted submissions held in memory, per connection and in all
/// (`ConnectionLimits.maxBufferedSubmitBytes…`). A connection takes bytes as its items arrive
/// and gives all of them back at commit, at a new submit-begin, and when it ends.
public final class SubmitBuffers: Sendable {
    private let total = Mutex(0)
    let perConnection: Int
    let allConnections: Int

    public init(perConnection: Int, allConnections: Int) {
        self.perConnection = perConnection
        self.allConnections = allConnections
    }

    /// Bytes held now by all connections.
    public var held: Int { total.withLock { $0 } }

    enum Taken: Equatable {
        /// Taken; the connection now holds this many bytes.
        case taken(Int)
        /// Nothing taken: the connection's cap, or the cap of all connections, would be passed.
        case overConnection, overTotal
    }

    /// Takes `bytes` more for a connection that holds `holding`.
    func take(_ bytes: Int, holding: Int) -> Taken {
        guard holding + bytes <= perConnection else { return .overConnection }
        return total.withLock { t -> Taken in
            guard t + bytes <= allConnections else { return .overTotal }
            t += bytes
            return .taken(holding + bytes)
        }
    }

    /// Gives back what a connection held; returns whether it was large enough that, once the
    /// items themselves are gone, the freed heap should go back to the system (`trimHeap`).
    @discardableResult
    func give(_ bytes: Int) -> Bool {
        guard bytes > 0 else { return false }
        total.withLock { $0 -= bytes }
        return bytes >= Self.trimAbove
    }

    static let trimAbove = 16 * 1024 * 1024

    /// glibc's `malloc_trim(0)` where there is one (looked up at run time: the Glibc module
    /// does not export it): freed heap goes back to the system.
    static func trimHeap() {
        #if canImport(Glibc)
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
            typealias Trim = @convention(c) (Int) -> Int32
            _ = unsafeBitCast(symbol, to: Trim.self)(0)
        #endif
    }

    /// `n` bytes in words: MiB, or KiB below one MiB.
    static func describe(_ n: Int) -> String { n >= 1 << 20 ? "\(n >> 20) MiB" : "\(n >> 10) KiB" }

    /// What one submitted item is counted as while held: its strings plus a fixed overhead for
    /// the item's structure.
    static func bytes(of item: SubmitItems.Item) -> Int {
        let s = item.spec
        return 256 + item.prompt.utf8.count + item.negative.utf8.count + s.model.utf8.count
            + s.sampler.utf8.count + s.schedule.utf8.count
            + s.rng.utf8.count + (s.timestepSpacing?.utf8.count ?? 0)
    }
}

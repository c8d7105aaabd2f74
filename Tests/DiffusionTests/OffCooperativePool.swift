import Foundation

/// Runs long synchronous engine work (tens of seconds in a debug build) on a thread of its own
/// rather than on one of Swift's cooperative threads: there are only as many of those as cores,
/// and tests elsewhere in the run (the store's crash test polls a child process every 10 ms)
/// stall while one is held for a minute.
func offCooperativePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try body() })
        }
        thread.stackSize = 16 << 20
        thread.start()
    }
}

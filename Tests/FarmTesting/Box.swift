import Synchronization

/// Holds a value set once from inside a closure (the wrapped store the harness builds).
final class Box<T: Sendable>: Sendable {
    private let slot = Mutex<T?>(nil)
    var value: T { slot.withLock { $0! } }
    func set(_ v: T) -> T {
        slot.withLock { $0 = v }
        return v
    }
}

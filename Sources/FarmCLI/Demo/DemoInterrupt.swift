import FarmProtocol
import Synchronization

/// Set when the user interrupts `sdfarm demo` (SIGINT/SIGTERM), so the run stops and cleans up.
final class DemoInterrupt: Sendable {
    private let flag = Mutex(false)
    var isSet: Bool { flag.withLock { $0 } }
    func set() { flag.withLock { $0 = true } }
}

import FarmStore
import Foundation

extension CoordinatorCore {
    /// Measures the result disk's free space against the reserve; logs when it crosses it.
    func checkDisk() {
        let wasLow = disk.isLow
        do {
            disk.measured(try config.freeSpace.freeBytes(at: results.root))
            disk.probeError = nil
        } catch {
            disk.measured(nil)
            disk.probeError = "\(error)"
            logRepeated(.warning, "cannot measure the free space of \(results.root): \(error)")
        }
        diskLowSince = disk.isLow ? (diskLowSince ?? clock.now()) : nil
        if disk.isLow, !wasLow, let summary = disk.summary {
            logger.error("\(summary)")
        } else if wasLow, !disk.isLow {
            logger.notice("the result disk has room again: handing out work and taking results")
        }
    }

    /// Whether results may be written now (the result disk is above its reserve). When not,
    /// the connection answers results with retry-later without writing them.
    public func acceptsResults() -> Bool {
        checkDisk()
        return !disk.isLow
    }

    /// The result disk as last measured.
    public var resultDisk: DiskReserve { disk }

    /// The job store as last found.
    public var jobStoreHealth: StoreHealth { storeHealth }
}

import Foundation

/// A worker's measured speed in seconds per pixel-step, smoothed over its finished batches
/// (an exponential moving average, so a worker that slows down is noticed within a few
/// batches). Also gives the images/minute the metrics and `sdfarm status` show.
public struct WorkerSpeed: Sendable, Equatable {
    /// Weight of the newest batch.
    public static let smoothing = 0.3

    public private(set) var secondsPerPixelStep: Double?
    public private(set) var imagesPerMinute: Double?
    public private(set) var batches = 0

    public init() {}

    /// A batch of `cost` finished `elapsed` seconds after it was assigned.
    public mutating func observe(cost: WorkCost, images: Int, elapsed: TimeInterval) {
        guard elapsed > 0, cost.pixelSteps > 0, images > 0 else { return }
        let perPixelStep = elapsed / cost.pixelSteps
        let perMinute = Double(images) * 60 / elapsed
        let a = Self.smoothing
        secondsPerPixelStep = secondsPerPixelStep.map { a * perPixelStep + (1 - a) * $0 } ?? perPixelStep
        imagesPerMinute = imagesPerMinute.map { a * perMinute + (1 - a) * $0 } ?? perMinute
        batches += 1
    }
}

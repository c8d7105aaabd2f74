/// How much work a batch is, in the unit leases and speeds are measured in: U-Net steps ×
/// pixels × images. One 512×512 image at 20 steps is 5.2 M pixel-steps.
public struct WorkCost: Sendable, Equatable {
    public var pixelSteps: Double

    public init(steps: Int, width: Int, height: Int, images: Int) {
        pixelSteps =
            Double(max(steps, 1)) * Double(max(width, 1)) * Double(max(height, 1)) * Double(max(images, 1))
    }
}

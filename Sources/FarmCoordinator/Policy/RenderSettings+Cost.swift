import FarmProtocol

extension RenderSettings {
    /// The cost of `images` items with these settings.
    public func cost(images: Int) -> WorkCost {
        WorkCost(steps: steps, width: width, height: height, images: images)
    }
}

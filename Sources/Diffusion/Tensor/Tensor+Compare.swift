extension Tensor {
    /// Largest absolute element difference; `.infinity` when the shapes differ, NaN-safe
    /// (a NaN on either side counts as infinitely different).
    public func maxAbsDifference(_ other: Tensor) -> Float {
        guard shape == other.shape else { return .infinity }
        return withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                var worst: Float = 0
                for i in 0..<a.count {
                    let d = abs(a[i] - b[i])
                    if d.isNaN { return .infinity }
                    worst = max(worst, d)
                }
                return worst
            }
        }
    }

    /// Largest absolute element.
    public func maxAbs() -> Float {
        withUnsafeBufferPointer { $0.reduce(0) { max($0, abs($1)) } }
    }
}

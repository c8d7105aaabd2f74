extension UNet2DConditionModel {
    /// A model of `config` with seeded random weights, for benchmarks (no checkpoint needed):
    /// matrices and kernels uniform with variance 1/fan-in, norm weights 1, biases small, so
    /// activations stay in a normal range (no overflow or denormals to skew the timing).
    public static func randomlyInitialized(config: UNetConfig, seed: UInt64 = 0) throws
        -> UNet2DConditionModel
    {
        var counter: UInt64 = 0
        return try UNet2DConditionModel(config: config, source: "random weights (seed \(seed))") {
            key, shape in
            counter += 1
            var tensor = Tensor(uninitialized: shape)
            let isNormWeight = shape.count == 1 && key.hasSuffix("weight")
            let bound: Float =
                shape.count == 1 ? 0.01 : (3 / Float(shape.dropFirst().reduce(1, *))).squareRoot()
            let stream = seed &* 0x9E37_79B9_7F4A_7C15 &+ counter
            tensor.withUnsafeMutableBufferPointer { out in
                if isNormWeight {
                    out.update(repeating: 1)
                    return
                }
                let box = UncheckedSendable(out)
                Parallel.forRanges(out.count, minChunk: 1 << 16) { range in
                    var state = stream &* 0xD1B5_4A32_D192_ED03 &+ UInt64(range.lowerBound)
                    for i in range {
                        state &+= 0x9E37_79B9_7F4A_7C15
                        var z = state
                        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                        z ^= z >> 31
                        box.value[i] = (Float(z >> 40) * (1 / Float(1 << 23)) - 1) * bound
                    }
                }
            }
            return tensor
        }
    }
}

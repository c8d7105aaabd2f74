/// One generator per image of a batch (image i seeded with seed + i), as diffusers does when a
/// pipeline is given a list of generators: each image draws its own `(1, C, H, W)` block, so any
/// image can be re-made alone, on any worker, with the same seed.
public struct NoiseBatch: Sendable {
    public let rng: RNGKind
    /// The seed of each image, in batch order.
    public let seeds: [UInt64]
    private var generators: [any NoiseGenerator]

    /// Generators for `count` images seeded `seed`, `seed + 1`, … (wrapping at 2⁶⁴).
    public init(rng: RNGKind, seed: UInt64, count: Int) {
        self.init(rng: rng, seeds: (0..<max(count, 0)).map { seed &+ UInt64($0) })
    }

    /// Generators for the given seeds, one image each.
    public init(rng: RNGKind, seeds: [UInt64]) {
        self.rng = rng
        self.seeds = seeds
        self.generators = seeds.map { rng.makeGenerator(seed: $0) }
    }

    /// The number of images.
    public var count: Int { generators.count }

    /// The next `perImage` values of every image's generator, concatenated in batch order
    /// (a `[B, …]` tensor, flat).
    public mutating func draw(perImage: Int) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(perImage * generators.count)
        for i in generators.indices {
            out.append(contentsOf: generators[i].randn(count: perImage))
        }
        return out
    }
}

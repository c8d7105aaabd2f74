import Foundation
import Testing

@testable import Diffusion

private struct RandnFixture: Decodable {
    struct Case: Decodable {
        let seed: String
        let draws: [Int]
        let values: [[Float]]
    }
    let cases: [Case]
}

/// torch's CPU randn and A1111's Philox, against scripts/make-sampler-fixtures.py's records.
/// Tolerance: 1e-6 absolute per value (torch's SIMD log/sin/cos differ from libm by an ulp).
@Suite struct RNGTests {
    static let tolerance: Float = 1e-6

    @Test func torchCPURandnMatchesTorchForEverySizeAndSeed() throws {
        let fixture = try SamplerFixtures.load(RandnFixture.self, "rng/torch-randn.json")
        #expect(fixture.cases.count > 70)
        var worst: Float = 0
        for testCase in fixture.cases {
            let seed = try #require(UInt64(testCase.seed))
            var generator = TorchCPUGenerator(seed: seed)
            for (draw, expected) in zip(testCase.draws, testCase.values) {
                let values = generator.randn(count: draw)
                #expect(values.count == expected.count)
                let difference = maxAbsoluteDifference(values, expected)
                worst = max(worst, difference)
                #expect(
                    difference <= Self.tolerance,
                    "seed \(seed), draws \(testCase.draws), draw of \(draw): off by \(difference)")
            }
        }
        print("torch randn: largest difference \(worst)")
    }

    @Test(arguments: ["0", "4294967303"])
    func torchCPURandnMatchesAFullSizeLatent(seed: String) throws {
        let (shape, expected) = try SamplerFixtures.loadNPY("rng/torch-randn-seed\(seed)-1x4x64x64.npy")
        #expect(shape == [1, 4, 64, 64])
        var noise = NoiseBatch(rng: .cpu, seed: try #require(UInt64(seed)), count: 1)
        let values = noise.draw(perImage: 4 * 64 * 64)
        let difference = maxAbsoluteDifference(values, expected)
        print("torch randn 1×4×64×64 seed \(seed): largest difference \(difference)")
        #expect(difference <= Self.tolerance)
    }

    @Test func philoxMatchesTheA1111Algorithm() throws {
        let fixture = try SamplerFixtures.load(RandnFixture.self, "rng/philox-randn.json")
        var worst: Float = 0
        for testCase in fixture.cases {
            let seed = try #require(UInt64(testCase.seed))
            var generator = PhiloxGenerator(seed: seed)
            for (draw, expected) in zip(testCase.draws, testCase.values) {
                let difference = maxAbsoluteDifference(generator.randn(count: draw), expected)
                worst = max(worst, difference)
                #expect(difference <= Self.tolerance, "seed \(seed), draw of \(draw): off by \(difference)")
            }
        }
        print("philox randn: largest difference \(worst)")
    }

    @Test func philoxReproducesA1111sPublishedExample() {
        // Printed in A1111's modules/rng_philox.py for Generator(seed=0).randn((3, 4)).
        let published: [Float] = [
            -0.92466259, -0.42534415, -2.6438457, 0.14518388, -0.12086647, -0.57972564,
            -0.62285122, -0.32838709, -1.07454231, -0.36314407, -1.67105067, 2.26550497,
        ]
        // The printed digits were made with an older float rounding: they agree to 2.4e-7.
        var generator = PhiloxGenerator(seed: 0)
        #expect(maxAbsoluteDifference(generator.randn(count: 12), published) <= Self.tolerance)
        #expect(generator.offset == 1)
    }

    @Test func batchImagesUseConsecutiveSeedsAndCanBeRemadeAlone() {
        var batch = NoiseBatch(rng: .cpu, seed: 41, count: 3)
        let all = batch.draw(perImage: 64)
        var alone = NoiseBatch(rng: .cpu, seed: 43, count: 1)
        #expect(Array(all[128..<192]) == alone.draw(perImage: 64))
        #expect(batch.seeds == [41, 42, 43])
        var wrapping = NoiseBatch(rng: .philox, seed: .max, count: 2)
        #expect(wrapping.seeds == [.max, 0])
        #expect(wrapping.draw(perImage: 5).count == 10)
    }

    @Test func mersenneTwisterMatchesTheReferenceSequence() {
        // The MT19937 reference implementation (mt19937ar.c, init_genrand(5489)): first outputs.
        var engine = MT19937(seed: 5489)
        #expect((0..<3).map { _ in engine.next() } == [3_499_211_612, 581_869_302, 3_890_346_734])
        // torch keeps only the low 32 bits of the seed.
        var high = MT19937(seed: (1 << 32) + 5489)
        #expect(high.next() == 3_499_211_612)
    }
}

import Testing

@testable import Diffusion

/// Which OpenBLAS kernel family the engine re-executes itself with (docs/engine.md).
@Suite struct OpenBLASKernelChoiceTests {
    let sapphireRapids: Set<String> = [
        "sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_bf16",
    ]
    let zen3: Set<String> = ["sse4_2", "avx", "avx2", "fma"]

    @Test func genericXeonWithAVX512GetsSkylakeXInsteadOfPrescott() {
        #expect(OpenBLASKernels.preferredCoreType(chosen: "Prescott", cpuFlags: sapphireRapids) == "SkylakeX")
    }

    @Test func zenWithAVX512GetsSkylakeX() {
        #expect(OpenBLASKernels.preferredCoreType(chosen: "Zen", cpuFlags: sapphireRapids) == "SkylakeX")
    }

    @Test func avx2OnlyCPUGetsHaswellOnlyWhenOpenBLASChoseLower() {
        #expect(OpenBLASKernels.preferredCoreType(chosen: "Prescott", cpuFlags: zen3) == "Haswell")
        #expect(OpenBLASKernels.preferredCoreType(chosen: "Sandybridge", cpuFlags: zen3) == "Haswell")
        #expect(OpenBLASKernels.preferredCoreType(chosen: "Zen", cpuFlags: zen3) == nil)
        #expect(OpenBLASKernels.preferredCoreType(chosen: "Haswell", cpuFlags: zen3) == nil)
    }

    @Test func keepsAGoodOrWiderChoiceAndOldCPUs() {
        #expect(OpenBLASKernels.preferredCoreType(chosen: "SkylakeX", cpuFlags: sapphireRapids) == nil)
        #expect(OpenBLASKernels.preferredCoreType(chosen: "SapphireRapids", cpuFlags: sapphireRapids) == nil)
        #expect(OpenBLASKernels.preferredCoreType(chosen: "Prescott", cpuFlags: ["sse3", "avx"]) == nil)
        // AVX-512 F alone (no BW/VL) is not enough for the SkylakeX kernels.
        #expect(
            OpenBLASKernels.preferredCoreType(chosen: "Haswell", cpuFlags: zen3.union(["avx512f"])) == nil)
    }
}

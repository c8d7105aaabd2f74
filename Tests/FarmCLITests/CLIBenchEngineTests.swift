import ArgumentParser
import Diffusion
import Foundation
import Testing

@testable import FarmCLI
@testable import FarmTesting

/// `sdfarm bench engine`'s pieces that do not need the full-size models: the reference JSON of
/// scripts/bench-reference.py, the table row with the ratio, the token rows, the sizes option.
@Suite("CLI: sdfarm bench engine")
struct CLIBenchEngineTests {
    static func write(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "sdfarm-bench-ref-\(UUID().uuidString).json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func readsTheScriptsJSONWholeOrInPart() throws {
        let full = try Self.write(
            """
            {"reference": "PyTorch 2.15.0 (diffusers/transformers, float32)", "threads": 2, "machine": "x86_64",
             "text_encoder": {"seconds": 0.25, "flops": 26.6e9, "peak_mib": 1259},
             "unet": [{"size": 256, "latent": 32, "seconds": 2.0, "flops": 3.6e11, "peak_mib": 4300},
                      {"size": 512, "latent": 64, "seconds": 7.0, "flops": 1.6e12, "peak_mib": 4900}],
             "vae": [{"size": 512, "seconds": 19.0, "flops": 2.5e12, "peak_mib": 5000}]}
            """)
        defer { unlink(full) }
        let reference = try EngineBenchReference.read(full)
        #expect(reference.textEncoder?.peakMiB == 1259)
        #expect(reference.unet.map(\.size) == [256, 512] && reference.unet[1].seconds == 7.0)
        #expect(reference.vae.first?.flops == 2.5e12)
        #expect(reference.description == "PyTorch 2.15.0 (diffusers/transformers, float32), 2 threads")

        // The file of an earlier `bench-reference.py` (U-Net only) still reads.
        let unetOnly = try Self.write(#"{"unet": [{"size": 512, "seconds": 7.24}]}"#)
        defer { unlink(unetOnly) }
        let old = try EngineBenchReference.read(unetOnly)
        #expect(old.textEncoder == nil && old.vae.isEmpty && old.unet.first?.seconds == 7.24)
    }

    @Test func missingOrForeignReferenceIsOneClearError() throws {
        let missing = NSTemporaryDirectory() + "sdfarm-no-such-\(UUID().uuidString).json"
        #expect(throws: ValidationError.self) { try EngineBenchReference.read(missing) }
        let foreign = try Self.write(#"{"unet": "fast"}"#)
        defer { unlink(foreign) }
        do {
            _ = try EngineBenchReference.read(foreign)
            Issue.record("a foreign JSON was accepted")
        } catch let error as ValidationError {
            #expect(error.message.contains("is not the JSON scripts/bench-reference.py writes"))
        }
    }

    @Test func rowShowsBothSidesAndTheTimeRatio() throws {
        let measured = BenchMeasurement(seconds: 3.5, flops: 1.4e12, profile: [])
        let reference = try JSONDecoder().decode(
            EngineBenchReference.Figure.self,
            from: Data(#"{"size": 512, "seconds": 7.0, "flops": 1.4e12, "peak_mib": 4900}"#.utf8))
        let row = EngineBenchRow(
            stage: .unetStep(size: 512), measured: measured, peakMiB: 4100, reference: reference)
        let line = row.formatted(withReference: true)
        #expect(line.hasPrefix("U-Net step    512², batch 2 "))
        let numbers = line.split(separator: " ").compactMap { Double($0) }
        // "batch 2", then the figures
        #expect(numbers == [2, 1400.0, 3.5, 400.0, 4100, 7.0, 200.0, 4900, 0.5])
        let alone = EngineBenchRow(stage: .textEncoder, measured: measured, peakMiB: 500, reference: nil)
        #expect(alone.formatted(withReference: true).hasSuffix("–        –         –       –"))
        #expect(!alone.formatted(withReference: false).contains("–"))
    }

    @Test func tokenRowsAreWhatTheTokenizerMakes() {
        let prompt = BenchEngineCommand.tokenRow(words: 10)
        let empty = BenchEngineCommand.tokenRow(words: 0)
        #expect(prompt.count == 77 && empty.count == 77)
        #expect(prompt.first == 49406 && prompt[11] == 49407 && prompt[10] != 49407)
        #expect(empty.first == 49406 && empty.dropFirst().allSatisfy { $0 == 49407 })
    }

    @Test func sizesAreCheckedBeforeAnyModelIsBuilt() throws {
        #expect(try BenchSizes.parse("256, 512") == [256, 512])
        #expect(try BenchSizes.parse("").isEmpty)
        for bad in ["100", "32", "4096", "512,abc"] {
            #expect(throws: ValidationError.self) { try BenchSizes.parse(bad) }
        }
        #expect(throws: (any Error).self) { try BenchEngineCommand.parse(["--vae-size", "100"]).validate() }
        #expect(throws: (any Error).self) { try BenchEngineCommand.parse(["--threads", "0"]) }
    }
}

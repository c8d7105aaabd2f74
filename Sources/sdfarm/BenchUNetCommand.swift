import ArgumentParser
import Diffusion
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `sdfarm bench unet`: one U-Net step of full-size SD 1.5 (random weights built here, no
/// download) with guidance (batch 2: unconditional + conditional, 77-token contexts), per
/// image size; prints seconds and GFLOP/s, PyTorch's figures side by side when given the JSON
/// that scripts/bench-reference.py writes, and with `--profile` the time per kernel.
struct BenchUNetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unet",
        abstract: "Time one SD 1.5 U-Net step with guidance (batch 2) at given image sizes.")

    @Option(help: "Image sizes in pixels (square; latents are size/8), comma-separated.")
    var sizes: String = "256,512"

    @Option(help: "Engine threads (OpenBLAS and Swift kernels).")
    var threads: Int = 2

    @Option(help: "Timed calls per size after the warm-up call; the best is reported.")
    var repeats: Int = 1

    @Flag(help: "Print where the time goes, operation by operation (from the warm-up call).")
    var profile = false

    @Option(help: "JSON written by scripts/bench-reference.py, to print PyTorch's times and the ratio.")
    var reference: String?

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
        _ = try parsedSizes()
    }

    func parsedSizes() throws -> [Int] {
        let values = sizes.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= 64 && ($0 ?? 0) <= 2048 && ($0 ?? 0) % 8 == 0 }) else {
            throw ValidationError("--sizes must be multiples of 8 between 64 and 2048, e.g. 256,512 (got \(sizes))")
        }
        return values.map { $0! }
    }

    func run() async throws {
        OpenBLASKernels.reexecWithAVX512IfNeeded()
        EngineThreads.set(threads)
        let references = try reference.map(Self.readReference) ?? [:]
        let config = UNetConfig.stableDiffusion1
        print("Building the SD 1.5 U-Net with random weights …")
        let buildStart = Date()
        let model = try UNet2DConditionModel.randomlyInitialized(config: config, seed: 1)
        print(String(format: "built in %.1f s", Date().timeIntervalSince(buildStart)))
        let backend = CPUBackend()
        var rows: [String] = []
        for size in try parsedSizes() {
            let latent = size / 8
            let sample = Self.random([2, 4, latent, latent], seed: 2)
            let context = Self.random([2, 77, 768], seed: 3)
            let timesteps: [Float] = [999, 999]
            // Warm-up, profiled: counts the FLOPs and (with --profile) shows where the time goes.
            let profiler = ProfilingBackend(backend)
            _ = try model.predictNoise(sample: sample, timesteps: timesteps, context: context, backend: profiler)
            let report = profiler.entries.sorted { $0.value.seconds > $1.value.seconds }.map { (label: $0.key, entry: $0.value) }
            let flops = report.reduce(0) { $0 + $1.entry.flops }
            var best = Double.infinity
            for _ in 0..<repeats {
                let start = Date()
                _ = try model.predictNoise(sample: sample, timesteps: timesteps, context: context, backend: backend)
                best = min(best, Date().timeIntervalSince(start))
            }
            var row = String(format: "%5d²  %3d×%-3d  %6.3f  %9.2f  %8.1f", size, latent, latent, flops / 1e12, best, flops / best / 1e9)
            if let ref = references[size] {
                row += String(format: "  %9.2f  %8.1f  %6.2f", ref, flops / ref / 1e9, best / ref)
            }
            rows.append(row)
            if profile { Self.printProfile(report, size: size) }
        }
        print("\nU-Net step, SD 1.5 shapes, batch 2 (guidance), \(backend.name), OpenBLAS \(OpenBLASKernels.coreName) kernels; "
              + "peak RSS \(Self.peakMemoryMiB()) MiB")
        var header = " size  latent   TFLOP   sdfarm s   GFLOP/s"
        if !references.isEmpty { header += "  PyTorch s   GFLOP/s   ratio (sdfarm/PyTorch)" }
        print(header)
        rows.forEach { print($0) }
    }

    static func printProfile(_ report: [(label: String, entry: ProfilingBackend.Entry)], size: Int) {
        let total = report.reduce(0) { $0 + $1.entry.seconds }
        print("\nWhere the time goes at \(size)² (warm-up call, \(String(format: "%.2f", total)) s in operations):")
        print("  operation              calls   seconds   share   GFLOP   GFLOP/s")
        for (label, e) in report {
            let rate = e.flops > 0 ? String(format: "%7.1f", e.flops / e.seconds / 1e9) : "      –"
            print(String(format: "  %-21@ %6d  %8.3f  %5.1f%%  %6.1f  ", label as NSString, e.calls, e.seconds, 100 * e.seconds / total, e.flops / 1e9) + rate)
        }
    }

    /// Reads {"unet": [{"size": 256, "seconds": 2.3}, …]} from scripts/bench-reference.py.
    static func readReference(_ path: String) throws -> [Int: Double] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read --reference \(path) (write it with scripts/bench-reference.py --json \(path))")
        }
        struct Reference: Decodable {
            struct Row: Decodable { let size: Int; let seconds: Double }
            let unet: [Row]
        }
        do {
            let parsed = try JSONDecoder().decode(Reference.self, from: data)
            return Dictionary(parsed.unet.map { ($0.size, $0.seconds) }, uniquingKeysWith: min)
        } catch {
            throw ValidationError("--reference \(path) is not the JSON scripts/bench-reference.py writes: \(error)")
        }
    }

    static func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var state = seed
        let n = shape.reduce(1, *)
        return Tensor(shape: shape, values: (0..<n).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24) * 2 - 1
        })
    }

    static func peakMemoryMiB() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return usage.ru_maxrss / 1024  // kilobytes on Linux
    }
}

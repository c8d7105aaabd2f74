import ArgumentParser
import Diffusion
import Dispatch
import Foundation

/// `sdfarm bench kernels`: each CPU kernel alone at Stable Diffusion shapes, with its
/// throughput, to see which kernel holds a model back.
struct BenchKernelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernels",
        abstract: "Time each CPU kernel at SD shapes (GFLOP/s for GEMM-shaped ones, GB/s for the rest).")

    @Option(help: "Threads for OpenBLAS and the engine's kernels.")
    var threads = 2

    func validate() throws {
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be in 1…256") }
    }

    func run() {
        OpenBLASKernels.reexecWithBestKernelsIfNeeded()
        EngineThreads.set(threads)
        print("OpenBLAS kernels: \(OpenBLASKernels.coreName)")
        let b = CPUBackend()
        func filled(_ shape: [Int]) -> Tensor {
            var t = Tensor(uninitialized: shape)
            t.withUnsafeMutableBufferPointer { p in
                for i in 0..<p.count { p[i] = Float((i * 7919) % 2003) / 1001 - 1 }
            }
            return t
        }
        func time(_ label: String, flops: Double = 0, bytes: Double = 0, _ body: () -> Tensor) {
            _ = body()
            var best = Double.infinity
            for _ in 0..<3 {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = body()
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            let rate =
                flops > 0
                ? String(format: "%7.1f GFLOP/s", flops / best / 1e9)
                : String(format: "%7.1f GB/s", bytes / best / 1e9)
            print(
                "  " + label.padding(toLength: 44, withPad: " ", startingAt: 0)
                    + String(format: " %9.2f ms  %@", best * 1e3, rate))
        }
        print("CPU kernels, \(threads) threads (best of 3)")
        for (c, s) in [(128, 256), (512, 64), (320, 64)] {
            let x = filled([1, c, s, s]), w = filled([c]), bias = filled([c])
            let bytes = 8.0 * Double(x.count)
            time("groupNorm [1,\(c),\(s),\(s)]", bytes: bytes) {
                b.groupNorm(x, groups: 32, weight: w, bias: bias, epsilon: 1e-6, silu: false)
            }
            time("groupNorm+SiLU [1,\(c),\(s),\(s)]", bytes: bytes) {
                b.groupNorm(x, groups: 32, weight: w, bias: bias, epsilon: 1e-6, silu: true)
            }
            time("SiLU [1,\(c),\(s),\(s)]", bytes: bytes) { b.activation(x, .silu) }
            time("GELU [1,\(c),\(s),\(s)]", bytes: bytes) { b.activation(x, .gelu) }
            time("add [1,\(c),\(s),\(s)]", bytes: 1.5 * bytes) { b.add(x, x) }
        }
        for (cin, cout, s) in [
            (128, 128, 256), (256, 256, 128), (512, 512, 64), (320, 320, 64), (4, 512, 64),
        ] {
            let x = filled([1, cin, s, s]), w = filled([cout, cin, 3, 3]), bias = filled([cout])
            time("conv2d 3×3 [1,\(cin),\(s),\(s)] → \(cout)", flops: 2.0 * Double(cout * cin * 9 * s * s)) {
                b.conv2d(x, weight: w, bias: bias, stride: 1, padding: 1)
            }
        }
        for (l, c, heads, lk) in [
            (4096, 512, 1, 4096), (4096, 320, 8, 4096), (4096, 320, 8, 77), (1024, 640, 8, 1024),
        ] {
            let q = filled([1, l, c]), k = filled([1, lk, c])
            time("attention L=\(l) Lk=\(lk) C=\(c) heads=\(heads)", flops: 4.0 * Double(l * lk * c)) {
                b.attention(query: q, key: k, value: k, heads: heads, causal: false)
            }
        }
        let scores = filled([4096, 4096])
        time("softmax [4096,4096] (one head's scores)", bytes: 8.0 * Double(scores.count)) {
            b.softmax(scores)
        }
        // Inputs are [images, rows, features]: `linear` runs one GEMM per image (so that an image's
        // numbers do not depend on its batch), and a rank-2 input would be one GEMV per row.
        let q40 = filled([1, 4096, 40]), k40 = filled([4096, 40])
        time("linear [1,4096,40]·[4096,40]ᵀ (q·kᵀ, 1 head)", flops: 2.0 * 4096 * 4096 * 40) {
            b.linear(q40, weight: k40, bias: nil)
        }
        let x = filled([2, 4096, 320]), w = filled([1280, 320])
        time("linear [2,4096,320] → 1280", flops: 2.0 * 8192 * 320 * 1280) {
            b.linear(x, weight: w, bias: nil)
        }
    }
}

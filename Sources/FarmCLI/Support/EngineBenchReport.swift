import ArgumentParser
import Foundation

/// What `sdfarm bench engine` measures, one row each.
enum EngineBenchStage {
    case textEncoder
    case unetStep(size: Int)
    case vaeDecode(size: Int)

    var name: String {
        switch self {
        case .textEncoder: return "text encoder"
        case .unetStep: return "U-Net step"
        case .vaeDecode: return "VAE decode"
        }
    }

    var shape: String {
        switch self {
        case .textEncoder: return "2 × 77 tokens"
        case .unetStep(let size): return "\(size)², batch 2"
        case .vaeDecode(let size): return "\(size)², batch 1"
        }
    }
}

/// One line of the engine benchmark's table: sdfarm's figures and, when given, PyTorch's.
struct EngineBenchRow {
    let stage: EngineBenchStage
    let measured: BenchMeasurement
    let peakMiB: Int
    let reference: EngineBenchReference.Figure?

    static func header(withReference: Bool) -> String {
        var line = "stage         shape              GFLOP   sdfarm s  GFLOP/s  peak MiB"
        if withReference { line += "  PyTorch s  GFLOP/s  peak MiB  time ratio (sdfarm/PyTorch)" }
        return line
    }

    func formatted(withReference: Bool) -> String {
        var line =
            stage.name.padding(toLength: 13, withPad: " ", startingAt: 0) + " "
            + stage.shape.padding(toLength: 16, withPad: " ", startingAt: 0)
            + String(
                format: " %7.1f  %9.3f  %7.1f  %8d", measured.flops / 1e9, measured.seconds,
                measured.gflopsPerSecond, peakMiB)
        if withReference {
            if let ref = reference {
                // Each side's rate over its own FLOP count (the two counters agree to within rounding on these shapes).
                let refRate = ref.flops.map { String(format: "%7.1f", $0 / ref.seconds / 1e9) } ?? "      –"
                let refPeak = ref.peakMiB.map { String(format: "%8d", $0) } ?? "       –"
                line +=
                    String(format: "  %9.3f  ", ref.seconds) + refRate + "  " + refPeak
                    + String(format: "  %6.2f", measured.seconds / ref.seconds)
            } else {
                line += "          –        –         –       –"
            }
        }
        return line
    }
}

/// The JSON scripts/bench-reference.py writes: PyTorch's figures on the same shapes. Every part
/// is optional (the script can time a subset); `sdfarm bench unet` reads only `unet`.
struct EngineBenchReference: Decodable {
    struct Figure: Decodable {
        let size: Int?
        let seconds: Double
        let flops: Double?
        let peakMiB: Int?

        enum CodingKeys: String, CodingKey {
            case size, seconds, flops
            case peakMiB = "peak_mib"
        }
    }

    let reference: String?
    let threads: Int?
    let textEncoder: Figure?
    let unet: [Figure]
    let vae: [Figure]

    enum CodingKeys: String, CodingKey {
        case reference, threads, unet, vae
        case textEncoder = "text_encoder"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        reference = try c.decodeIfPresent(String.self, forKey: .reference)
        threads = try c.decodeIfPresent(Int.self, forKey: .threads)
        textEncoder = try c.decodeIfPresent(Figure.self, forKey: .textEncoder)
        unet = try c.decodeIfPresent([Figure].self, forKey: .unet) ?? []
        vae = try c.decodeIfPresent([Figure].self, forKey: .vae) ?? []
    }

    var description: String {
        (reference ?? "the reference") + (threads.map { ", \($0) threads" } ?? "")
    }

    static func read(_ path: String) throws -> EngineBenchReference {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError(
                "cannot read --reference \(path) (write it with scripts/bench-reference.py --json \(path))")
        }
        do {
            return try JSONDecoder().decode(EngineBenchReference.self, from: data)
        } catch {
            throw ValidationError(
                "--reference \(path) is not the JSON scripts/bench-reference.py writes: \(error)")
        }
    }
}

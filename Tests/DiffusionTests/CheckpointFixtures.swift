import Foundation
import Testing

@testable import Diffusion

/// The tiny models and golden outputs written by scripts/make-fixtures.py.
enum ModelFixtures {
    static let goldenMagic = "sdfarm-golden"
    static let goldenVersion = "1"
    static let regenerate =
        "regenerate with `python3 scripts/make-fixtures.py` (see Tests/DiffusionTests/Fixtures/models/README.md)"

    static var directory: URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("models")
    }
    static var folder: String { directory.appendingPathComponent("tiny-sd").path }
    static var singleFile: String { directory.appendingPathComponent("tiny-sd.safetensors").path }

    /// golden.safetensors, after checking its magic and version.
    static func golden() throws -> SafetensorsFile {
        let file = try SafetensorsFile(path: directory.appendingPathComponent("golden.safetensors").path)
        guard file.metadata["magic"] == goldenMagic, file.metadata["version"] == goldenVersion else {
            throw CheckpointError(
                file: file.path,
                "golden file magic/version \(file.metadata["magic"] ?? "none")/\(file.metadata["version"] ?? "none"), expected \(goldenMagic)/\(goldenVersion): \(regenerate)"
            )
        }
        return file
    }

    /// Rows of token ids stored as floats in the golden file.
    static func ids(_ t: Tensor) -> [[Int32]] {
        let (n, l) = (t.shape[0], t.shape[1])
        let v = t.scalars
        return (0..<n).map { r in (0..<l).map { Int32(v[r * l + $0]) } }
    }

    /// Both layouts of the same weights.
    static func checkpoints() throws -> [Checkpoint] {
        [try Checkpoint.open(folder), try Checkpoint.open(singleFile)]
    }
}

/// Max-abs comparison against a golden tensor, printing the difference.
func matchesGolden(_ label: String, _ value: Tensor, _ golden: Tensor, tolerance: Float = 1e-4) -> Bool {
    let diff = value.maxAbsDifference(golden)
    print(
        "\(label): max |sdfarm − reference| = \(diff) (tolerance \(tolerance)); shapes \(value.shape) vs \(golden.shape)"
    )
    return diff <= tolerance
}

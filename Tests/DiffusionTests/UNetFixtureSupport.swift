import Foundation

@testable import Diffusion

/// The U-Net golden fixtures of scripts/make-unet-fixtures.py (Fixtures/unet/).
enum UNetFixtures {
    static let format = "sdfarm-unet-golden"
    static let version = "1"
    static let regenerate = "regenerate with: python3 scripts/make-unet-fixtures.py"

    static var directory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/unet")
    }

    static func path(_ relative: String) -> String {
        directory.appendingPathComponent(relative).path
    }

    /// The golden tensors of one configuration, after checking the file's format and version.
    static func golden(_ name: String) throws -> SafetensorsFile {
        let file = try SafetensorsFile(path: path("\(name)-golden.safetensors"))
        guard file.metadata["format"] == format, file.metadata["version"] == version else {
            throw UNetError(
                file.path,
                "golden format \(file.metadata["format"] ?? "?") v\(file.metadata["version"] ?? "?"), "
                    + "expected \(format) v\(version): \(regenerate)")
        }
        return file
    }

    /// The cases ("8x8", "12x10", …) a golden file holds.
    static func cases(_ golden: SafetensorsFile) -> [String] {
        guard let json = golden.metadata["cases"], let data = json.data(using: .utf8),
            let cases = try? JSONDecoder().decode([String].self, from: data)
        else { return [] }
        return cases
    }

    /// The configuration in the diffusers folder layout (`NAME/unet/`).
    static func folderModel(_ name: String) throws -> UNet2DConditionModel {
        let config = try UNetConfig(contentsOf: path("\(name)/unet/config.json"))
        let weights = try SafetensorsFile(path: path("\(name)/unet/diffusion_pytorch_model.safetensors"))
        return try UNet2DConditionModel(config: config, source: weights.path) { try weights.tensor($0) }
    }
}

import Foundation
import Testing

@testable import FarmTesting
@testable import FarmWorker

@Suite("Worker: model catalog")
struct WorkerModelCatalogTests {
    @Test func foldersAndFilesAreNamedAndHashed() throws {
        let dir = NSTemporaryDirectory() + "sdfarm-models-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: "\(dir)/tiny/unet", withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: "\(dir)/tiny/model_index.json"))
        try Data("weights".utf8).write(to: URL(fileURLWithPath: "\(dir)/sd15.safetensors"))
        try Data("notes".utf8).write(to: URL(fileURLWithPath: "\(dir)/README.txt"))
        let catalog = try ModelCatalog.scan(directory: dir)
        #expect(catalog.models.map(\.name) == ["sd15", "tiny"])
        // sha256("weights")
        #expect(
            catalog.model(named: "sd15")?.sha256
                == "9a129038d9a00aed0cf6a7ea059ca50a813449061ab87848cf1a13eafdf33b2c")
        #expect(catalog.model(named: "tiny")?.sha256.count == 64)
        #expect(catalog.model(named: "README") == nil)
    }

    @Test func missingDirectoryIsAClearError() {
        #expect(throws: ModelCatalogError.self) {
            try ModelCatalog.scan(directory: "/nonexistent/sdfarm-models")
        }
    }

    /// A minimal safetensors file: F16 tensors of the given bytes, named as given.
    static func safetensors(_ tensors: [(String, [UInt8])]) -> Data {
        var header: [String] = []
        var data: [UInt8] = []
        for (name, bytes) in tensors {
            header.append(
                "\"\(name)\":{\"dtype\":\"F16\",\"shape\":[\(bytes.count / 2)],\"data_offsets\":[\(data.count),\(data.count + bytes.count)]}"
            )
            data += bytes
        }
        let json = Array(("{" + header.joined(separator: ",") + "}").utf8)
        var length = UInt64(json.count).littleEndian
        return Data(bytes: &length, count: 8) + Data(json) + Data(data)
    }

    static func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "sdfarm-models-\(UUID().uuidString)"
        try FileManager.default.createDirectory(
            atPath: "\(dir)/shapes/unet", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            atPath: "\(dir)/shapes/vae", withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: "\(dir)/shapes/model_index.json"))
        try safetensors([("conv.weight", [1, 2, 3, 4])]).write(
            to: URL(fileURLWithPath: "\(dir)/shapes/unet/diffusion_pytorch_model.safetensors"))
        try safetensors([("decoder.weight", [5, 6])]).write(
            to: URL(fileURLWithPath: "\(dir)/shapes/vae/diffusion_pytorch_model.safetensors"))
        return dir
    }

    /// Issue 13 item 7: a diffusers folder and a single file of the same weights (other tensor
    /// names, one file) are one model; the first in name order (the folder) is announced.
    @Test func oneModelInTwoLayoutsIsOneModel() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.safetensors([
            ("first_stage_model.decoder.weight", [5, 6]),
            ("model.diffusion_model.conv.weight", [1, 2, 3, 4]),
        ])
        .write(to: URL(fileURLWithPath: "\(dir)/shapes.safetensors"))
        let catalog = try ModelCatalog.scan(directory: dir)
        #expect(catalog.models.map(\.name) == ["shapes"])
        #expect(catalog.model(named: "shapes")?.path == "\(dir)/shapes")
    }

    @Test func twoModelsOfOneNameWithDifferentWeightsNameBothPaths() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.safetensors([
            ("first_stage_model.decoder.weight", [5, 7]),
            ("model.diffusion_model.conv.weight", [1, 2, 3, 4]),
        ])
        .write(to: URL(fileURLWithPath: "\(dir)/shapes.safetensors"))
        let error = #expect(throws: ModelCatalogError.self) { try ModelCatalog.scan(directory: dir) }
        #expect(
            error?.description
                == "models \(dir)/shapes.safetensors: a second model named shapes with different weights from \(dir)/shapes: rename one of them"
        )
    }

    /// Issue 12: the engine never unpickles, so a .ckpt stops the worker with what to do.
    @Test func aPickleCheckpointIsRefusedAtStartUp() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("PK\u{03}\u{04}pickle".utf8).write(to: URL(fileURLWithPath: "\(dir)/old.ckpt"))
        let error = #expect(throws: ModelCatalogError.self) { try ModelCatalog.scan(directory: dir) }
        #expect(
            error?.description.contains("old.ckpt: a pickle checkpoint (.ckpt), which sdfarm never loads")
                == true)
        #expect(error?.description.contains("convert it to .safetensors") == true)
    }

    /// The repository's own models/ (the README's `sdfarm worker` from the repo root).
    @Test func theRepositorysModelsFolderIsOneModel() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let catalog = try ModelCatalog.scan(directory: root.appendingPathComponent("models").path)
        #expect(catalog.models.map(\.name) == ["sdfarm-shapes"])
    }
}

import Foundation
import Testing

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
        #expect(catalog.model(named: "sd15")?.sha256 == "9a129038d9a00aed0cf6a7ea059ca50a813449061ab87848cf1a13eafdf33b2c")
        #expect(catalog.model(named: "tiny")?.sha256.count == 64)
        #expect(catalog.model(named: "README") == nil)
    }

    @Test func missingDirectoryIsAClearError() {
        #expect(throws: ModelCatalogError.self) { try ModelCatalog.scan(directory: "/nonexistent/sdfarm-models") }
    }
}

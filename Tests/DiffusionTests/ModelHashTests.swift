import Foundation
import Testing

@testable import Diffusion

@Suite struct ModelHashTests {
    @Test func fileHashIsSHA256() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sdfarm-hash-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("abc".utf8).write(to: file)
        let hash = try ModelHash(ofModelAt: file)
        // sha256("abc"), from FIPS 180-2.
        #expect(hash.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hash.short == "ba7816bf8f")
    }

    @Test func folderHashIgnoresListingOrderButNotContent() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sdfarm-hash-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("unet"), withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: root.appendingPathComponent("model_index.json"))
        try Data([1, 2, 3]).write(to: root.appendingPathComponent("unet/diffusion_pytorch_model.safetensors"))
        try Data("ignored".utf8).write(to: root.appendingPathComponent("README.md"))
        let first = try ModelHash(ofModelAt: root)
        try Data("changed".utf8).write(to: root.appendingPathComponent("README.md"))
        #expect(try ModelHash(ofModelAt: root) == first)
        try Data([1, 2, 4]).write(to: root.appendingPathComponent("unet/diffusion_pytorch_model.safetensors"))
        #expect(try ModelHash(ofModelAt: root) != first)
    }

    @Test func missingModelIsAClearError() {
        #expect(throws: ModelHashError.self) {
            try ModelHash(ofModelAt: URL(fileURLWithPath: "/nonexistent/model"))
        }
    }
}

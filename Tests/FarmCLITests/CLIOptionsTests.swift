import Foundation
import Testing

@testable import FarmCLI
@testable import FarmTesting

@Suite("CLI: options, token files and result export")
struct CLIOptionsTests {
    @Test func hostPortParsing() {
        #expect(HostPort(argument: "127.0.0.1:7878") == HostPort(host: "127.0.0.1", port: 7878))
        #expect(HostPort(argument: "farm.example:1") == HostPort(host: "farm.example", port: 1))
        #expect(HostPort(argument: "[::1]:7878") == HostPort(host: "::1", port: 7878))
        #expect(HostPort(argument: "[::1]:7878")?.description == "[::1]:7878")
        #expect(HostPort(argument: "nohost") == nil)
        #expect(HostPort(argument: ":7878") == nil)
        #expect(HostPort(argument: "h:70000") == nil)
        #expect(HostPort(argument: "h:x") == nil)
    }

    @Test func cudaIsRecognisedAndRefusedClearly() {
        #expect(DeviceOption(argument: "cpu") == .cpu)
        #expect(DeviceOption(argument: "cpu")?.refusal == nil)
        let cuda = DeviceOption(argument: "cuda:1")
        #expect(cuda == .cuda(1))
        #expect(
            cuda?.refusal
                == "--device cuda:1: this build has no CUDA backend yet; run the worker with --device cpu")
        #expect(DeviceOption(argument: "metal") == nil)
        #expect(DeviceOption(argument: "cuda:-1") == nil)
    }

    @Test func tokenFilesMustBePrivateAndLongEnough() throws {
        let path = NSTemporaryDirectory() + "sdfarm-token-\(UUID().uuidString)"
        defer { unlink(path) }
        try Data("  a-token-of-enough-length  \nignored\n".utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o644)
        #expect(throws: CLIError.self) { _ = try TokenFile.read(path) }
        chmod(path, 0o600)
        #expect(try TokenFile.read(path) == Array("a-token-of-enough-length".utf8))
        try Data("short\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: CLIError.self) { _ = try TokenFile.read(path) }
        #expect(throws: CLIError.self) { _ = try TokenFile.read(path + ".missing") }
    }

    @Test func exportWritesNumberedImagesAndAManifestLinePerItem() throws {
        let dir = NSTemporaryDirectory() + "sdfarm-export-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let export = try ResultExport(directory: dir)
        let settings = #"{"model":"tiny","steps":3}"#
        try export.write(
            .init(
                index: 7, prompt: "a \"red\" circle", negative: "", seed: UInt64.max, settings: settings,
                state: "done", sha256: "ab", worker: "w1", error: nil),
            png: [1, 2, 3])
        try export.write(
            .init(
                index: 8, prompt: "x", negative: "blur", seed: 3, settings: settings, state: "failed",
                sha256: nil, worker: nil, error: "boom"),
            png: nil)
        try export.close()
        #expect(
            FileManager.default.contents(atPath: "\(dir)/000007-18446744073709551615.png") == Data([1, 2, 3]))
        let lines = String(
            decoding: FileManager.default.contents(atPath: "\(dir)/manifest.jsonl")!, as: UTF8.self
        ).split(separator: "\n")
        #expect(lines.count == 2)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        #expect(first["file"] as? String == "000007-18446744073709551615.png")
        #expect(first["prompt"] as? String == "a \"red\" circle")
        #expect(lines[0].contains("\"seed\":18446744073709551615"))
        #expect((first["settings"] as? [String: Any])?["model"] as? String == "tiny")
        let second = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as! [String: Any]
        #expect(second["file"] is NSNull)
        #expect(second["error"] as? String == "boom")
        #expect(ResultExport.fileName(index: 1_234_567, seed: 0) == "1234567-0.png")
    }
}

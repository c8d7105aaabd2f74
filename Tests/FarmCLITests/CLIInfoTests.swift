import Diffusion
import Foundation
import Testing

@testable import FarmCLI
@testable import FarmTesting

/// `sdfarm info`: the parameters chunk of a PNG, parsed, as text and JSON, and its errors.
@Suite("CLI: sdfarm info")
struct CLIInfoTests {
    static func png(texts: [(key: String, text: String)]) throws -> String {
        let image = try RGBImage(width: 2, height: 2, pixels: [UInt8](repeating: 7, count: 12))
        let path = NSTemporaryDirectory() + "sdfarm-info-\(UUID().uuidString).png"
        try PNGFile.write(image, texts: texts, to: URL(fileURLWithPath: path))
        return path
    }

    static let parameters = GenerationParameters(
        prompt: "a red fox, snow\nsecond line", negativePrompt: "blurry", steps: 25, sampler: .dpmpp2M,
        schedule: .karras,
        cfgScale: 7.5, seed: 42, width: 512, height: 768, modelHash: "abcdef0123", modelName: "sd15",
        rng: .philox,
        version: "sdfarm 0.1.0")

    @Test func textJSONAndRaw() throws {
        let path = try Self.png(texts: [("parameters", Self.parameters.infotext)])
        defer { unlink(path) }
        let text = try InfoCommand.report(forImageAt: path, json: false, raw: false)
        #expect(
            text == """
                Prompt: "a red fox, snow\\nsecond line"
                Negative prompt: blurry
                Steps: 25
                Sampler: DPM++ 2M
                Schedule type: Karras
                CFG scale: 7.5
                Seed: 42
                Size: 512x768
                Model hash: abcdef0123
                Model: sd15
                RNG: NV
                Version: sdfarm 0.1.0
                sdfarm reads: sampler dpmpp_2m, schedule karras, rng philox
                """)
        #expect(try InfoCommand.report(forImageAt: path, json: false, raw: true) == Self.parameters.infotext)

        let json = try InfoCommand.report(forImageAt: path, json: true, raw: false)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["prompt"] as? String == "a red fox, snow\nsecond line")
        #expect(object["negative_prompt"] as? String == "blurry")
        #expect((object["fields"] as? [[String: String]])?.first == ["key": "Steps", "value": "25"])
        let reading = try #require(object["sdfarm"] as? [String: Any])
        #expect(reading["sampler"] as? String == "dpmpp_2m" && reading["schedule"] as? String == "karras")
        #expect(
            reading["seed"] as? Int == 42 && reading["cfg_scale"] as? Double == 7.5
                && reading["rng"] as? String == "philox")
        #expect(object["sdfarm_error"] == nil)
    }

    @Test func foreignSamplerIsShownAndExplained() throws {
        let path = try Self.png(texts: [
            ("parameters", "p\nSteps: 20, Sampler: UniPC, CFG scale: 7, Seed: 1, Size: 512x512")
        ])
        defer { unlink(path) }
        let text = try InfoCommand.report(forImageAt: path, json: false, raw: false)
        #expect(text.contains("Sampler: UniPC\n"))
        #expect(
            text.hasSuffix(
                "sdfarm cannot make this image: infotext field \"Sampler\": \"UniPC\" is not a sampler sdfarm has "
                    + "(DDIM, PLMS, Euler, Euler a, DPM++ 2M, LMS, Heun)"))
        let json = try InfoCommand.report(forImageAt: path, json: true, raw: false)
        #expect(json.contains("\"sdfarm_error\" : \"infotext field \\\"Sampler\\\""))
        #expect(!json.contains("\"sdfarm\" :"))
    }

    @Test func missingRNGIsExplained() throws {
        let path = try Self.png(texts: [
            ("parameters", "p\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512")
        ])
        defer { unlink(path) }
        let text = try InfoCommand.report(forImageAt: path, json: false, raw: false)
        #expect(
            text.hasSuffix(
                "sdfarm reads: sampler euler_a, schedule default, rng philox "
                    + "(no RNG field: A1111's GPU default, the same Philox numbers on NVIDIA cards)"))
    }

    @Test func clearErrors() throws {
        func message(_ path: String) -> String {
            do {
                _ = try InfoCommand.report(forImageAt: path, json: false, raw: false)
                return "no error"
            } catch { return "\(error)" }
        }
        let missing = NSTemporaryDirectory() + "sdfarm-info-missing-\(UUID().uuidString).png"
        #expect(message(missing) == "\(missing): no such file")

        let notPNG = NSTemporaryDirectory() + "sdfarm-info-\(UUID().uuidString).png"
        try Data("GIF89a, not a PNG at all".utf8).write(to: URL(fileURLWithPath: notPNG))
        defer { unlink(notPNG) }
        #expect(message(notPNG).hasPrefix("\(notPNG): ") && message(notPNG).contains("not a PNG"))

        let bare = try Self.png(texts: [])
        defer { unlink(bare) }
        #expect(message(bare) == "\(bare): has no \"parameters\" text chunk (no text chunks at all)")
        let other = try Self.png(texts: [("comment", "hello"), ("Software", "x")])
        defer { unlink(other) }
        #expect(
            message(other)
                == "\(other): has no \"parameters\" text chunk (its text chunks: comment, Software)")

        let folder = NSTemporaryDirectory()
        #expect(message(folder) == "\(folder): is a folder, not a PNG file")

        #expect(throws: (any Error).self) { try InfoCommand.parse(["a.png", "--json", "--raw"]) }
        #expect(try InfoCommand.parse(["a.png", "--json"]).json)
    }
}

import ArgumentParser
import Diffusion
import Foundation

/// `sdfarm info IMAGE.png`: the generation parameters stored in a PNG's `parameters` text chunk
/// (A1111 infotext, as sdfarm and SD tools write it), parsed.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Print the generation parameters stored in a PNG (its A1111-style \"parameters\" text).",
        discussion: """
            Prints the prompt, the negative prompt and each field of the parameters line, one per \
            line (values with line breaks JSON-quoted), then how sdfarm reads them (its sampler, \
            schedule and generator names), or why it cannot make the image.
            """)

    @Argument(help: "A PNG image.")
    var image: String

    @Flag(help: "Print a JSON object instead: prompt, negative_prompt, fields, and sdfarm (or sdfarm_error).")
    var json = false

    @Flag(help: "Print the parameters text exactly as stored.")
    var raw = false

    func validate() throws {
        if json && raw { throw ValidationError("--json and --raw cannot be used together") }
    }

    func run() throws {
        do {
            print(try Self.report(forImageAt: image, json: json, raw: raw))
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// The text `run` prints.
    static func report(forImageAt path: String, json: Bool, raw: Bool) throws -> String {
        let text = try parametersText(ofImageAt: path)
        if raw { return text }
        return json ? try jsonReport(text) : textReport(text)
    }

    /// The `parameters` chunk of a PNG file.
    static func parametersText(ofImageAt path: String) throws -> String {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw CLIError("\(path): is a folder, not a PNG file")
        }
        let contents = try PNGFile.read(URL(fileURLWithPath: path))
        guard let text = contents.text("parameters") else {
            let keys = contents.texts.map(\.key)
            throw CLIError(
                "\(path): has no \"parameters\" text chunk ("
                    + (keys.isEmpty
                        ? "no text chunks at all" : "its text chunks: \(keys.joined(separator: ", "))") + ")")
        }
        return text
    }

    static func textReport(_ text: String) -> String {
        let infotext = GenerationParameters.Infotext(parsing: text)
        var lines = ["Prompt: \(display(infotext.prompt))"]
        if !infotext.negativePrompt.isEmpty {
            lines.append("Negative prompt: \(display(infotext.negativePrompt))")
        }
        for field in infotext.fields { lines.append("\(field.key): \(display(field.value))") }
        do {
            let p = try GenerationParameters(infotext)
            var reading =
                "sampler \(p.sampler.rawValue), schedule \(p.schedule.rawValue), rng \(p.rng.rawValue)"
            if let spacing = p.timestepSpacing { reading += ", timestep spacing \(spacing.rawValue)" }
            if let clipSkip = p.clipSkip { reading += ", clip skip \(clipSkip)" }
            if infotext.value("RNG") == nil {
                reading += " (no RNG field: A1111's GPU default, the same Philox numbers on NVIDIA cards)"
            }
            lines.append("sdfarm reads: \(reading)")
        } catch {
            lines.append("sdfarm cannot make this image: \(error)")
        }
        return lines.joined(separator: "\n")
    }

    /// A value on one line: JSON-quoted when it has line breaks.
    private static func display(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) else { return value }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? value
    }

    struct JSONReport: Encodable {
        struct Field: Encodable {
            var key: String
            var value: String
        }

        struct Reading: Encodable {
            var steps: Int
            var sampler: String
            var schedule: String
            var timestepSpacing: String?
            var cfgScale: Double
            var seed: UInt64
            var width: Int
            var height: Int
            var modelHash: String?
            var model: String?
            var rng: String
            var clipSkip: Int?
            var version: String?
        }

        var prompt: String
        var negativePrompt: String
        var fields: [Field]
        var sdfarm: Reading?
        var sdfarmError: String?
    }

    static func jsonReport(_ text: String) throws -> String {
        let infotext = GenerationParameters.Infotext(parsing: text)
        var report = JSONReport(
            prompt: infotext.prompt, negativePrompt: infotext.negativePrompt,
            fields: infotext.fields.map { .init(key: $0.key, value: $0.value) })
        do {
            let p = try GenerationParameters(infotext)
            report.sdfarm = .init(
                steps: p.steps, sampler: p.sampler.rawValue, schedule: p.schedule.rawValue,
                timestepSpacing: p.timestepSpacing?.rawValue, cfgScale: p.cfgScale, seed: p.seed,
                width: p.width, height: p.height, modelHash: p.modelHash, model: p.modelName,
                rng: p.rng.rawValue, clipSkip: p.clipSkip, version: p.version)
        } catch {
            report.sdfarmError = "\(error)"
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }
}

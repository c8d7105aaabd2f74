import Foundation

@testable import Diffusion

/// The tiny model and diffusers' StableDiffusionPipeline outputs written by
/// scripts/make-pipeline-fixtures.py (Fixtures/pipeline/).
enum PipelineFixtures {
    static let format = "sdfarm-pipeline-fixtures-1"
    static let regenerate = "regenerate with `python3 scripts/make-pipeline-fixtures.py`"

    struct File: Decodable {
        let format: String
        let nativeSize: [Int]
        let vaeScaleFactor: Int
        let cases: [Case]
    }

    struct Case: Decodable {
        struct Image: Decodable {
            let prompt: String
            let negativePrompt: String
            let seed: UInt64
        }
        let name: String
        let sampler: String
        let schedule: String
        let steps: Int
        let cfg: Float
        let width: Int?
        let height: Int?
        let resolvedWidth: Int
        let resolvedHeight: Int
        let images: [Image]
        let timestepSpacing: String?
        let rng: String
        let clipSkip: Int

        func request() throws -> GenerationRequest {
            GenerationRequest(
                images: images.map {
                    .init(prompt: $0.prompt, negativePrompt: $0.negativePrompt, seed: $0.seed)
                },
                width: width, height: height, steps: steps, guidanceScale: cfg,
                sampler: try SamplerKind(parsing: sampler),
                sigmaSchedule: try SigmaScheduleKind(parsing: schedule),
                timestepSpacing: try timestepSpacing.map { try TimestepSpacing(parsing: $0) },
                rng: try RNGKind(parsing: rng), clipSkip: clipSkip)
        }
    }

    static var directory: URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("pipeline")
    }
    static var modelPath: String { directory.appendingPathComponent("tiny-pipeline").path }

    static func cases() throws -> File {
        let data = try Data(contentsOf: directory.appendingPathComponent("cases.json"))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let file = try decoder.decode(File.self, from: data)
        guard file.format == format else {
            throw FixtureError(
                "pipeline/cases.json has format \(file.format), expected \(format): \(regenerate)")
        }
        return file
    }

    static func reference() throws -> SafetensorsFile {
        let file = try SafetensorsFile(path: directory.appendingPathComponent("reference.safetensors").path)
        guard file.metadata["format"] == format else {
            throw FixtureError(
                "pipeline/reference.safetensors has format \(file.metadata["format"] ?? "none"), expected \(format): \(regenerate)"
            )
        }
        return file
    }

    /// The tiny model (its files are memory-mapped: loading is cheap).
    static func pipeline() throws -> StableDiffusionPipeline {
        try StableDiffusionPipeline(loading: modelPath)
    }

    static let caseNames: [String] = (try? cases().cases.map(\.name)) ?? ["fixtures unreadable"]
}

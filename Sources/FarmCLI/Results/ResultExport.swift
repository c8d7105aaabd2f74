import Foundation

/// Writes a job's results as `sdfarm results` promises: each image as
/// `DIR/{index:06d}-{seed}.png` and one `DIR/manifest.jsonl` line per item (index, prompt,
/// negative, seed, settings, state, sha256, file, worker, error). Images are written to a
/// temporary name and renamed, so an interrupted export leaves no half file; an image already
/// there with the right bytes is not rewritten.
struct ResultExport {
    struct Entry: Equatable {
        var index: Int
        var prompt: String
        var negative: String
        var seed: UInt64
        /// The item's settings as JSON (model, size, steps, sampler, schedule, cfg).
        var settings: String
        var state: String
        var sha256: String?
        var worker: String?
        var error: String?
    }

    let directory: String
    private let manifest: FileHandle

    init(directory: String) throws {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw CLIError("cannot create \(directory): \(error.localizedDescription)")
        }
        let path = "\(directory)/manifest.jsonl"
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else {
            throw CLIError("cannot write \(path)")
        }
        manifest = handle
    }

    static func fileName(index: Int, seed: UInt64) -> String {
        let digits = String(index)
        return String(repeating: "0", count: max(0, 6 - digits.count)) + digits + "-\(seed).png"
    }

    /// Records one item; `png` is its image when done.
    func write(_ e: Entry, png: [UInt8]?) throws {
        var file: String?
        if let png {
            let name = Self.fileName(index: e.index, seed: e.seed)
            let path = "\(directory)/\(name)"
            if FileManager.default.contents(atPath: path).map([UInt8].init) != png {
                let tmp = "\(directory)/.\(name).tmp"
                guard FileManager.default.createFile(atPath: tmp, contents: Data(png)) else {
                    throw CLIError("cannot write \(tmp)")
                }
                guard rename(tmp, path) == 0 else { throw CLIError("cannot rename \(tmp) to \(path)") }
            }
            file = name
        }
        var object: [String: Any] = [
            "index": e.index, "prompt": e.prompt, "negative": e.negative, "seed": NSNumber(value: e.seed),
            "state": e.state,
            "settings": (try? JSONSerialization.jsonObject(with: Data(e.settings.utf8))) ?? e.settings,
        ]
        object["sha256"] = e.sha256 ?? NSNull()
        object["file"] = file ?? NSNull()
        object["worker"] = e.worker ?? NSNull()
        object["error"] = e.error ?? NSNull()
        let data = try JSONSerialization.data(
            withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        manifest.write(data + Data("\n".utf8))
    }

    func close() throws {
        try manifest.synchronize()
        try manifest.close()
    }
}

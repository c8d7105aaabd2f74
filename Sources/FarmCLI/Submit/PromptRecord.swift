/// One line of a prompt file, with the fields it set (nil: the command line's value): read
/// from a `.jsonl` object as it is (`Decodable`), or from a `.csv` row field by field.
struct PromptRecord: Equatable, Decodable {
    /// Where it came from (not a field of the file).
    var line = 0
    var prompt: String
    var negative: String?
    var seed: UInt64?
    var seeds: Int?
    var steps: Int?
    var cfg: Double?
    var sampler: String?
    var schedule: String?
    var width: Int?
    var height: Int?

    init(line: Int, prompt: String) {
        self.line = line
        self.prompt = prompt
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case prompt, negative, seed, seeds, steps, cfg, sampler, schedule, width, height
    }

    /// The field names `.jsonl` objects and `.csv` headers may use.
    static let fields = Set(CodingKeys.allCases.map(\.rawValue))

    /// Sets a field from its text (CSV) — throws a message naming the field.
    mutating func set(_ field: String, text: String) throws {
        func int(_ s: String) throws -> Int {
            guard let v = Int(s.trimmingSpaces) else {
                throw FieldError("\(field) must be a whole number, not \"\(s)\"")
            }
            return v
        }
        switch field {
        case "prompt": prompt = text
        case "negative": negative = text
        case "seed":
            guard let v = UInt64(text.trimmingSpaces) else {
                throw FieldError("seed must be a whole number from 0 to 2^64-1, not \"\(text)\"")
            }
            seed = v
        case "seeds": seeds = try int(text)
        case "steps": steps = try int(text)
        case "width": width = try int(text)
        case "height": height = try int(text)
        case "cfg":
            guard let v = Double(text.trimmingSpaces), v.isFinite else {
                throw FieldError("cfg must be a number, not \"\(text)\"")
            }
            cfg = v
        case "sampler": sampler = text.trimmingSpaces
        case "schedule": schedule = text.trimmingSpaces
        default:
            throw FieldError(
                "unknown field \"\(field)\" (known: \(Self.fields.sorted().joined(separator: ", ")))")
        }
    }
}

struct FieldError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return String(s)
    }
}

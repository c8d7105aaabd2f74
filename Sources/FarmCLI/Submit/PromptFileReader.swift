import Foundation

/// Streams the records of a prompt file: `.txt` (one prompt per line), `.jsonl` (one object
/// per line with `prompt` and optional fields) or `.csv` (a header row naming the fields).
/// Blank lines are skipped. A bad record throws a `SubmitFileError` with its line number;
/// reading can go on after it (for `--skip-bad`).
struct PromptFileReader {
    enum Format: String { case txt, jsonl, csv }

    let path: String
    let format: Format
    private var lines: LineReader
    private var csvHeader: [String]?

    init(path: String) throws {
        let ext = (path as NSString).pathExtension.lowercased()
        guard let format = Format(rawValue: ext == "json" ? "jsonl" : ext) else {
            throw SubmitFileError(
                path: path, line: nil, message: "unknown prompt file type .\(ext) (use .txt, .jsonl or .csv)")
        }
        self.path = path
        self.format = format
        lines = try LineReader(path: path)
    }

    /// The next record, nil at the end.
    mutating func next() throws -> PromptRecord? {
        switch format {
        case .txt:
            while let line = try lines.next() {
                if line.trimmingSpaces.isEmpty { continue }
                return PromptRecord(line: lines.lineNumber, prompt: line)
            }
            return nil
        case .jsonl:
            while let line = try lines.next() {
                if line.trimmingSpaces.isEmpty { continue }
                return try parseJSON(line, at: lines.lineNumber)
            }
            return nil
        case .csv:
            if csvHeader == nil {
                guard let header = try nextCSVRow() else { return nil }
                let names = header.fields.map { $0.trimmingSpaces.lowercased() }
                for name in names where !PromptRecord.fields.contains(name) {
                    throw fail(
                        header.line,
                        "unknown column \"\(name)\" (known: \(PromptRecord.fields.sorted().joined(separator: ", ")))"
                    )
                }
                guard names.contains("prompt") else {
                    throw fail(header.line, "the header names no prompt column")
                }
                csvHeader = names
            }
            while let row = try nextCSVRow() {
                if row.fields.count == 1, row.fields[0].trimmingSpaces.isEmpty { continue }
                let header = csvHeader!
                guard row.fields.count == header.count else {
                    throw fail(row.line, "\(row.fields.count) fields, the header has \(header.count)")
                }
                var record = PromptRecord(line: row.line, prompt: "")
                for (name, text) in zip(header, row.fields) where !(name != "prompt" && text.isEmpty) {
                    do { try record.set(name, text: text) } catch let e as FieldError {
                        throw fail(row.line, e.message)
                    }
                }
                guard !record.prompt.trimmingSpaces.isEmpty else { throw fail(row.line, "empty prompt") }
                return record
            }
            return nil
        }
    }

    private func fail(_ line: Int, _ message: String) -> SubmitFileError {
        SubmitFileError(path: path, line: line, message: message)
    }

    private func parseJSON(_ line: String, at number: Int) throws -> PromptRecord {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        } catch {
            throw fail(number, "not a JSON object")
        }
        guard let dict = object as? [String: Any] else { throw fail(number, "not a JSON object") }
        for key in dict.keys where !PromptRecord.fields.contains(key) {
            throw fail(
                number,
                "unknown field \"\(key)\" (known: \(PromptRecord.fields.sorted().joined(separator: ", ")))")
        }
        // A number that is valid JSON but no seed (-1, 2^64, 1.5): say so, not "wrong type".
        if let n = dict["seed"] as? NSNumber, UInt64("\(n)") == nil {
            throw fail(number, "seed must be a whole number from 0 to 2^64-1, not \(n)")
        }
        var record: PromptRecord
        do {
            record = try JSONDecoder().decode(PromptRecord.self, from: Data(line.utf8))
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            let name = context.codingPath.first?.stringValue ?? "a field"
            throw fail(number, "\(name) has the wrong type")
        } catch DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty {
            // Valid JSON whose number does not fit the field (a negative or too large seed).
            let name = context.codingPath[0].stringValue
            let value = dict[name].map { "\($0)" } ?? "?"
            if name == "seed" {
                throw fail(number, "seed must be a whole number from 0 to 2^64-1, not \(value)")
            }
            throw fail(number, "\(name) is out of range: \(value)")
        } catch DecodingError.keyNotFound {
            throw fail(number, "no prompt")
        } catch {
            throw fail(number, "cannot read: \(error)")
        }
        guard !record.prompt.trimmingSpaces.isEmpty else { throw fail(number, "empty prompt") }
        record.line = number
        return record
    }

    /// One CSV row (RFC 4180: quoted fields may hold commas, doubled quotes and newlines),
    /// with the line it starts on.
    private mutating func nextCSVRow() throws -> (line: Int, fields: [String])? {
        guard var line = try lines.next() else { return nil }
        let first = lines.lineNumber
        var fields: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(line)
        var i = 0
        while true {
            if i == chars.count {
                if quoted {
                    guard let more = try lines.next() else { throw fail(first, "a quoted field never ends") }
                    field.append("\n")
                    line = more
                    chars = Array(more)
                    i = 0
                    continue
                }
                fields.append(field)
                return (first, fields)
            }
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" {
                        field.append("\"")
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == "\"" && field.isEmpty {
                quoted = true
            } else if c == "," {
                fields.append(field)
                field = ""
            } else {
                field.append(c)
            }
            i += 1
        }
    }
}

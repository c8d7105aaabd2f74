import Foundation

/// Reads a file line by line in 1 MiB chunks, never holding the whole file: for prompt files
/// of any length. Lines end at `\n` (a preceding `\r` is dropped); the last line may lack one.
struct LineReader {
    private let handle: FileHandle
    private let path: String
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    /// The 1-based number of the line `next()` returned last.
    private(set) var lineNumber = 0
    /// A single line longer than this is an error (a binary file, most likely).
    let maxLineBytes: Int

    init(path: String, maxLineBytes: Int = 1 << 20) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SubmitFileError(path: path, line: nil, message: "cannot open the file")
        }
        self.handle = handle
        self.path = path
        self.maxLineBytes = maxLineBytes
    }

    mutating func next() throws -> String? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = newline
                if end > start, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = try decode(buffer[start..<end])
                start = newline + 1
                return line
            }
            if buffer.count - start > maxLineBytes {
                throw SubmitFileError(
                    path: path, line: lineNumber + 1, message: "line longer than \(maxLineBytes) bytes")
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                var end = buffer.count
                if buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = try decode(buffer[start..<end])
                start = buffer.count
                return line
            }
            buffer.removeFirst(start)
            start = 0
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: 1 << 20)
            } catch {
                throw SubmitFileError(
                    path: path, line: lineNumber + 1, message: "read failed: \(error.localizedDescription)")
            }
            if let chunk, !chunk.isEmpty { buffer.append(contentsOf: chunk) } else { atEnd = true }
        }
    }

    private mutating func decode(_ bytes: ArraySlice<UInt8>) throws -> String {
        lineNumber += 1
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw SubmitFileError(path: path, line: lineNumber, message: "not valid UTF-8")
        }
        return s
    }
}

/// A problem with the prompt file, at a line.
struct SubmitFileError: Error, CustomStringConvertible {
    var path: String
    var line: Int?
    var message: String

    var description: String {
        if let line { return "\(path):\(line): \(message)" }
        return "\(path): \(message)"
    }
}

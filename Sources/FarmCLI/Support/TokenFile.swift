import Foundation

/// Reads a shared token from `--token-file` (or `SDFARM_TOKEN_FILE`): the first line, spaces
/// trimmed. A token file readable by others is refused: the token is the farm's only secret.
enum TokenFile {
    /// A short or low-entropy token is read, with a warning on standard error.
    static func read(_ path: String) throws -> [UInt8] {
        try read(path, warn: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
    }

    static func read(_ path: String, warn: (String) -> Void) throws -> [UInt8] {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw CLIError("cannot read token file \(path): \(String(cString: strerror(errno)))")
        }
        if info.st_mode & 0o077 != 0 {
            throw CLIError("token file \(path) is readable by others: run chmod 600 \(path)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("cannot read token file \(path)")
        }
        let line =
            String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init)
            ?? ""
        let token = line.trimmingSpaces
        guard token.utf8.count >= 16 else { throw CLIError("token in \(path) is shorter than 16 bytes") }
        if let warning = TokenStrength.warning(for: Array(token.utf8), path: path) { warn(warning) }
        return Array(token.utf8)
    }
}

/// A user-facing error: one line, non-zero exit.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

/// A line on standard output, unbuffered (daemons' output goes to logs and must not wait in
/// a buffer).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

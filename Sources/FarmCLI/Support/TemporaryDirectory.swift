import Foundation

/// A fresh directory under $TMPDIR (mkdtemp), removed by `remove()`.
struct TemporaryDirectory: Sendable {
    let path: String

    init(prefix: String) throws {
        let base = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        var template = Array(((base as NSString).appendingPathComponent(prefix + "XXXXXX")).utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw CLIError(
                "cannot create a temporary directory in \(base): \(String(cString: strerror(errno)))")
        }
        path = String(cString: made)
    }

    func subdirectory(_ name: String) throws -> String {
        let sub = (path as NSString).appendingPathComponent(name)
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
        return sub
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The coordinator's data folder holds prompts (private data): the folder is 0700 and every
/// file the coordinator creates — token, SQLite database and journal, results — is 0600.
enum CoordinatorData {
    /// Sets the process's umask to 077 (everything created from now on is private to this
    /// user) and creates `path` as 0700, or makes an existing one 0700.
    static func makePrivate(_ path: String) throws {
        umask(0o077)
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw CLIError("cannot create the data folder \(path): \(error.localizedDescription)")
        }
        guard chmod(path, 0o700) == 0 else {
            throw CLIError("cannot make the data folder \(path) private (chmod 700): \(String(cString: strerror(errno)))")
        }
    }
}

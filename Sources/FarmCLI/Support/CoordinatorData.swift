import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The coordinator's data folder holds prompts (private data): the folder is 0700 and every
/// file the coordinator creates — token, SQLite database and journal, results — is 0600.
enum CoordinatorData {
    /// Sets the process's umask to 077 (everything created from now on is private to this
    /// user) and makes the data folder private (`secure`); returns a warning to print, if any.
    static func makePrivate(_ path: String) throws -> String? {
        umask(0o077)
        return try secure(path)
    }

    /// Files whose presence marks a folder as sdfarm's own data folder.
    static let ownFiles: Set<String> = ["token", "sdfarm.sqlite", "results"]

    /// Creates `path` as 0700, or makes an existing one 0700 when it is empty or an sdfarm
    /// data folder (it holds a token, database or results). A folder of other things that is
    /// open to others (`--data .`, say) is left alone and a warning returned: its sdfarm files
    /// are still 0600, but their names show.
    static func secure(_ path: String) throws -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            do {
                try FileManager.default.createDirectory(
                    atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw CLIError("cannot create the data folder \(path): \(error.localizedDescription)")
            }
            guard chmod(path, 0o700) == 0 else {
                throw CLIError(
                    "cannot make the data folder \(path) private: \(String(cString: strerror(errno)))")
            }
            return nil
        }
        guard info.st_mode & 0o077 != 0 else { return nil }
        let entries = Set((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
        guard entries.isEmpty || !entries.isDisjoint(with: ownFiles) else {
            return
                "warning: the data folder \(path) is open to others and holds other files: run chmod 700 \(path), or pick a folder of its own with --data"
        }
        guard chmod(path, 0o700) == 0 else {
            throw CLIError(
                "cannot make the data folder \(path) private (chmod 700): \(String(cString: strerror(errno)))"
            )
        }
        return nil
    }
}

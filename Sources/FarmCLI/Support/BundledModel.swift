import Foundation

/// Where the model that ships with sdfarm (`models/sdfarm-shapes`, see docs/small-model.md)
/// is found when a command is given no `--model`: `$SDFARM_MODEL`; then `models/sdfarm-shapes`
/// under the current directory; then under each parent of the executable's directory (a
/// build inside the checkout, such as `.build/release/sdfarm`); then
/// `/usr/local/share/sdfarm/models/sdfarm-shapes`.
enum BundledModel {
    static let relativePath = "models/sdfarm-shapes"

    static func resolve(_ given: String?) throws -> String {
        if let given {
            guard FileManager.default.fileExists(atPath: given) else {
                throw CLIError("model \(given): no such file or folder")
            }
            return given
        }
        let candidates = searchPath()
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) {
            return found
        }
        throw CLIError(
            "no --model given and the bundled model is not in any of: \(candidates.joined(separator: ", ")) (set SDFARM_MODEL)"
        )
    }

    static func searchPath() -> [String] {
        var paths: [String] = []
        if let env = ProcessInfo.processInfo.environment["SDFARM_MODEL"], !env.isEmpty { paths.append(env) }
        paths.append(
            (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(relativePath))
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            var dir = (exe as NSString).deletingLastPathComponent
            while dir != "/" && !dir.isEmpty {
                paths.append((dir as NSString).appendingPathComponent(relativePath))
                dir = (dir as NSString).deletingLastPathComponent
            }
        }
        paths.append("/usr/local/share/sdfarm/" + relativePath)
        return paths
    }

    /// The name workers know a checkpoint by: its folder name or file stem.
    static func name(of path: String) -> String {
        let last = (URL(fileURLWithPath: path).standardizedFileURL.path as NSString).lastPathComponent
        return last.hasSuffix(".safetensors") || last.hasSuffix(".ckpt")
            ? (last as NSString).deletingPathExtension : last
    }
}

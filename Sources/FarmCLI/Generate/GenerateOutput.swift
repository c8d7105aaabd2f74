import Foundation

/// The files `sdfarm generate` writes: `FILE.png` for one image, `FILE-0.png` … `FILE-(N−1).png`
/// for a batch, and the optional latents `.npy`. Everything is written to temporary files in
/// the destination folder first and renamed into place only when every file is complete, so a
/// failure leaves no partial output.
struct GenerateOutput {
    let pngPath: String
    let latentsPath: String?

    /// Checks the paths before any work: a `.png` name, existing writable folders.
    init(png: String, latents: String?) throws {
        guard png.lowercased().hasSuffix(".png"), (png as NSString).lastPathComponent.count > 4 else {
            throw CLIError("--output \(png): the file name must end in .png")
        }
        if let latents, !latents.lowercased().hasSuffix(".npy") {
            throw CLIError("--save-latents \(latents): the file name must end in .npy")
        }
        for path in [png] + (latents.map { [$0] } ?? []) {
            let folder = (path as NSString).deletingLastPathComponent
            let dir = folder.isEmpty ? "." : folder
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isFolder), isFolder.boolValue
            else {
                throw CLIError("\(path): the folder \(dir) does not exist")
            }
            guard FileManager.default.isWritableFile(atPath: dir) else {
                throw CLIError("\(path): the folder \(dir) is not writable")
            }
        }
        pngPath = png
        latentsPath = latents
    }

    /// The PNG paths for a batch of `count`.
    func pngPaths(count: Int) -> [String] {
        guard count > 1 else { return [pngPath] }
        let stem = String(pngPath.dropLast(4))
        let ext = String(pngPath.suffix(4))
        return (0..<count).map { "\(stem)-\($0)\(ext)" }
    }

    /// Writes every file, or none: each to a temporary name first, then all renamed.
    static func writeAll(_ files: [(path: String, data: Data)]) throws {
        var written: [(temporary: String, final: String)] = []
        do {
            for (path, data) in files {
                let folder = (path as NSString).deletingLastPathComponent
                let name =
                    ".\((path as NSString).lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp"
                let temporary = folder.isEmpty ? name : (folder as NSString).appendingPathComponent(name)
                do { try data.write(to: URL(fileURLWithPath: temporary)) } catch {
                    throw CLIError("\(path): cannot write: \(error.localizedDescription)")
                }
                written.append((temporary, path))
            }
            for (temporary, final) in written where rename(temporary, final) != 0 {
                throw CLIError(
                    "\(final): cannot move the finished file into place: \(String(cString: strerror(errno)))")
            }
        } catch {
            for (temporary, _) in written { unlink(temporary) }
            throw error
        }
    }
}

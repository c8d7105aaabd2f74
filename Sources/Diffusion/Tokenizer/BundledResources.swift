import Foundation

/// Finds the files shipped in the Diffusion resource bundle without `Bundle.module`, which
/// stops the process when the bundle is missing: here a missing bundle is an error to report.
enum BundledResources {
    static let bundleName = "sdfarm_Diffusion.resources"
    static let clipVocabularyPath = "clip/bpe_simple_vocab_16e6.txt.gz"

    /// bpe_simple_vocab_16e6.txt.gz: `$SDFARM_CLIP_VOCAB` when set, else the resource bundle
    /// next to the executable (where `swift build` and installs put it).
    static func clipVocabulary() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["SDFARM_CLIP_VOCAB"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        var folders = [Bundle.main.bundleURL]
        if let executable = Bundle.main.executableURL {
            folders.append(executable.deletingLastPathComponent())
        }
        folders.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for folder in folders {
            let file = folder.appendingPathComponent(bundleName).appendingPathComponent(clipVocabularyPath)
            if FileManager.default.fileExists(atPath: file.path) { return file }
        }
        throw TokenizerError(
            file: clipVocabularyPath,
            "bundled CLIP vocabulary not found in \(bundleName) next to the executable; "
                + "install it alongside sdfarm or set SDFARM_CLIP_VOCAB to the .txt.gz file")
    }
}

import Diffusion
import Foundation

/// The checkpoints a worker holds: each folder or `.safetensors` file directly under
/// `--models`, named by folder name or file stem, identified by its sha256 (`ModelHash`).
/// A `.ckpt` (pickle) file there stops the worker with a clear message; two checkpoints of
/// one name are one model when their weights are the same (`WeightsFingerprint`), an error
/// naming both paths when not.
public struct ModelCatalog: Sendable, Equatable {
    public struct Model: Sendable, Equatable {
        public var name: String
        public var sha256: String
        public var path: String
    }

    public let directory: String
    public let models: [Model]

    public init(directory: String, models: [Model]) {
        self.directory = directory
        self.models = models
    }

    /// Scans a directory (hashing every checkpoint, which reads it once). A missing directory
    /// is an error; an empty one is not (the worker will get no work, and status says why).
    public static func scan(directory: String) throws -> ModelCatalog {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
            isDirectory.boolValue
        else {
            throw ModelCatalogError(path: directory, reason: "not a directory")
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw ModelCatalogError(path: directory, reason: "cannot list: \(error.localizedDescription)")
        }
        var models: [Model] = []
        for entry in names where !entry.hasPrefix(".") {
            let path = (directory as NSString).appendingPathComponent(entry)
            var folder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &folder) else { continue }
            let ext = (entry as NSString).pathExtension.lowercased()
            if !folder.boolValue, ext == "ckpt" {
                throw ModelCatalogError(
                    path: path,
                    reason:
                        "a pickle checkpoint (.ckpt), which sdfarm never loads (unpickling runs code): convert it to .safetensors or move it out of this folder"
                )
            }
            guard folder.boolValue || ext == "safetensors" else { continue }
            let name = folder.boolValue ? entry : (entry as NSString).deletingPathExtension
            let hash: ModelHash
            do {
                hash = try ModelHash(ofModelAt: URL(fileURLWithPath: path))
            } catch {
                throw ModelCatalogError(path: path, reason: "\(error)")
            }
            if let first = models.first(where: { $0.name == name }) {
                // One model in two layouts (the repository ships models/sdfarm-shapes/ and
                // models/sdfarm-shapes.safetensors): the first, in name order, is announced.
                guard
                    try first.sha256 == hash.sha256
                        || WeightsFingerprint(ofModelAt: first.path) == WeightsFingerprint(ofModelAt: path)
                else {
                    throw ModelCatalogError(
                        path: path,
                        reason:
                            "a second model named \(name) with different weights from \(first.path): rename one of them"
                    )
                }
                continue
            }
            models.append(Model(name: name, sha256: hash.sha256, path: path))
        }
        return ModelCatalog(directory: directory, models: models)
    }

    public func model(named name: String) -> Model? {
        models.first { $0.name == name }
    }
}

public struct ModelCatalogError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "models \(path): \(reason)" }
}

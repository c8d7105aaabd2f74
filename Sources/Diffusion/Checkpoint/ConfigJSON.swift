import Foundation

/// A model's `config.json` (diffusers or transformers), read with typed accessors that name
/// the file and key when a value is missing or of the wrong type.
public struct ConfigJSON: @unchecked Sendable {
    public let path: String
    let object: [String: Any]

    public init(path: String) throws {
        self.path = path
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CheckpointError(file: path, "cannot read: \(error.localizedDescription)")
        }
        guard data.count <= 1 << 20 else { throw CheckpointError(file: path, "config larger than 1 MiB") }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw CheckpointError(file: path, "not a JSON object")
        }
        self.object = object
    }

    public func has(_ key: String) -> Bool { object[key] != nil && !(object[key] is NSNull) }

    public func int(_ key: String, default value: Int? = nil) throws -> Int {
        if let n = object[key] as? NSNumber, let i = Int(exactly: n.doubleValue) { return i }
        if !has(key), let value { return value }
        throw CheckpointError(file: path, "key '\(key)' is missing or not an integer")
    }

    public func float(_ key: String, default value: Float? = nil) throws -> Float {
        if let n = object[key] as? NSNumber { return n.floatValue }
        if !has(key), let value { return value }
        throw CheckpointError(file: path, "key '\(key)' is missing or not a number")
    }

    public func string(_ key: String, default value: String? = nil) throws -> String {
        if let s = object[key] as? String { return s }
        if !has(key), let value { return value }
        throw CheckpointError(file: path, "key '\(key)' is missing or not a string")
    }

    public func bool(_ key: String, default value: Bool? = nil) throws -> Bool {
        if let b = object[key] as? Bool { return b }
        if !has(key), let value { return value }
        throw CheckpointError(file: path, "key '\(key)' is missing or not a boolean")
    }

    public func ints(_ key: String, default value: [Int]? = nil) throws -> [Int] {
        if let a = object[key] as? [NSNumber] { return a.map(\.intValue) }
        if !has(key), let value { return value }
        throw CheckpointError(file: path, "key '\(key)' is missing or not a list of integers")
    }

    /// An integer or a list of integers (diffusers' `attention_head_dim` may be either).
    public func intOrInts(_ key: String, count: Int, default value: Int? = nil) throws -> [Int] {
        if let n = object[key] as? NSNumber { return Array(repeating: n.intValue, count: count) }
        if let a = object[key] as? [NSNumber], a.count == count { return a.map(\.intValue) }
        if !has(key), let value { return Array(repeating: value, count: count) }
        throw CheckpointError(file: path, "key '\(key)' must be an integer or a list of \(count) integers")
    }

    public func strings(_ key: String, default value: [String]? = nil) throws -> [String] {
        if let a = object[key] as? [String] { return a }
        if !has(key), let value { return value }
        throw CheckpointError(file: path, "key '\(key)' is missing or not a list of strings")
    }
}

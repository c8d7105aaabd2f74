import Foundation

/// INTERIM WIRE messages (replaced by Sources/FarmProtocol when it lands). Every frame is one
/// of these, as JSON.
enum WireMessage: Codable, Equatable {
    // Handshake: hello → challenge → proof → welcome | refused.
    case hello(WireHello)
    case challenge(nonce: Data)
    case proof(mac: Data, capabilities: WireCapabilities?)
    case welcome(worker: String?)
    case refused(reason: String)

    // Worker → coordinator.
    case credit(items: Int)
    case heartbeat
    case progress(WireProgress)
    case result(WireResult)
    case failure(item: Int64, fence: Int64, kind: String, message: String)
    case goodbye

    // Coordinator → worker.
    case assign(WireBatch)
    case resultAccepted(item: Int64, fence: Int64)
    case resultRefused(item: Int64, fence: Int64, reason: String)
    case cancel(items: [Int64], fences: [Int64])
    case drain

    // Client → coordinator.
    case submitBegin(owner: String, priority: Int, settings: String)
    case submitItems([WireItem])
    case submitEnd
    case status(jobLimit: Int)
    case jobStatus(job: Int64)
    case control(verb: String, job: Int64)
    case drainWorker(name: String)
    case watch(job: Int64)
    case fetchResults(job: Int64, fromIndex: Int, limit: Int)

    // Coordinator → client.
    case submitted(job: Int64, items: Int, modelsNobodyHolds: [String])
    case statusReply(json: String)
    case jobReply(WireJob)
    case done(message: String)
    case watchEvent(WireWatchEvent)
    case watchEnd
    case results([WireResultItem], more: Bool)
    case error(message: String)
}

struct WireHello: Codable, Equatable {
    static let magic = "SDFARM-INTERIM"
    static let version = 0
    var magic: String
    var version: Int
    /// "worker" or "client".
    var role: String
    /// The worker's id (stable across restarts), or the client's user name.
    var name: String
}

struct WireCapabilities: Codable, Equatable {
    var device: String
    var memoryBytes: UInt64
    var threads: Int
    var maxBatch: Int
    var models: [String: String]
}

struct WireProgress: Codable, Equatable {
    var job: Int64
    var items: [Int64]
    var step: Int
    var totalSteps: Int
    var preview: Data
    var previewWidth: Int
    var previewHeight: Int
}

struct WireResult: Codable, Equatable {
    var item: Int64
    var fence: Int64
    var job: Int64
    var png: Data
    var pngSHA256: String
    var latents: Data
    var latentsSHA256: String
}

struct WireBatch: Codable, Equatable {
    var model: String
    var width: Int
    var height: Int
    var steps: Int
    var sampler: String
    var schedule: String
    var cfg: Double
    var leaseTTL: Double
    var items: [WireBatchItem]
}

struct WireBatchItem: Codable, Equatable {
    var item: Int64
    var fence: Int64
    var job: Int64
    var index: Int
    var prompt: String
    var negative: String
    var seed: UInt64
}

/// One item of a submission.
struct WireItem: Codable, Equatable {
    var prompt: String
    var negative: String
    var seed: UInt64
    var model: String
    var width: Int
    var height: Int
    var steps: Int
    var sampler: String
    var schedule: String
    var cfg: Double
}

struct WireJob: Codable, Equatable {
    var id: Int64
    var state: String
    var total: Int
    var queued: Int
    var leased: Int
    var done: Int
    var failed: Int
    var cancelled: Int
    var waiting: String?
}

enum WireWatchEvent: Codable, Equatable {
    case progress(worker: String, WireProgress)
    case job(WireJob)
}

struct WireResultItem: Codable, Equatable {
    var index: Int
    var prompt: String
    var negative: String
    var seed: UInt64
    var settings: String
    var state: String
    var sha256: String?
    var worker: String?
    var error: String?
    var png: Data?
}

extension WireMessage {
    static func decode(_ bytes: some Collection<UInt8>) throws -> WireMessage {
        do {
            return try JSONDecoder().decode(WireMessage.self, from: Data(bytes))
        } catch {
            throw WireError("malformed message: \(error)")
        }
    }

    func encoded() throws -> Data {
        try JSONEncoder().encode(self)
    }
}

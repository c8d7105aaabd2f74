import Crypto
import FarmProtocol
import Foundation
import Synchronization

@testable import FarmWorker

/// An engine for farm tests: "renders" bytes that depend only on the prompt, seed and
/// settings (so a re-run elsewhere gives the same bytes), reports each step, and can be held
/// at a gate so a test decides when a batch finishes — no sleeping.
final class FakeEngine: ImageEngine, Sendable {
    struct Call: Sendable, Equatable {
        var items: [Int64]
        var model: String
        var rng = "cpu"
        var timestepSpacing: String?
    }

    private let state = Mutex(State())
    private struct State {
        var calls: [Call] = []
        var held = false
        var waiting: [CheckedContinuation<Void, Never>] = []
        var failNext: RenderFailure?
    }

    var calls: [Call] { state.withLock { $0.calls } }

    /// Batches started from now on wait until `release()`.
    func hold() { state.withLock { $0.held = true } }

    func release() {
        let waiting = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.held = false
            defer { s.waiting = [] }
            return s.waiting
        }
        for w in waiting { w.resume() }
    }

    /// Batches waiting at the gate.
    var waitingCount: Int { state.withLock { $0.waiting.count } }

    func failNextBatch(_ failure: RenderFailure) { state.withLock { $0.failNext = failure } }

    static func image(prompt: String, seed: UInt64, settings: RenderSettings) -> [UInt8] {
        let text =
            "\(prompt)|\(seed)|\(settings.model)|\(settings.width)x\(settings.height)|\(settings.steps)"
        return Array("FAKEPNG".utf8) + Array(SHA256.hash(data: Array(text.utf8)))
    }

    func render(
        _ items: [RenderItem], settings: RenderSettings,
        progress: @escaping @Sendable (EngineProgress) -> Void
    ) async throws -> [RenderedImage] {
        let failure = state.withLock { s -> RenderFailure? in
            s.calls.append(
                Call(
                    items: items.map(\.item), model: settings.model, rng: settings.rng,
                    timestepSpacing: settings.timestepSpacing))
            defer { s.failNext = nil }
            return s.failNext
        }
        if let failure { throw failure }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { s -> Bool in
                if s.held { s.waiting.append(c) }
                return !s.held
            }
            if resumeNow { c.resume() }
        }
        for step in 1...settings.steps { progress(EngineProgress(step: step, totalSteps: settings.steps)) }
        return items.map {
            RenderedImage(
                item: $0.item, png: Self.image(prompt: $0.prompt, seed: $0.seed, settings: settings),
                latents: Array("latents-\($0.item)".utf8))
        }
    }
}

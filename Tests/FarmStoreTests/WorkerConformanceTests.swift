import Foundation
import Testing

@testable import FarmStore

@Suite struct WorkerConformanceTests {
    @Test(arguments: Backend.all)
    func workersRegisterUpdateAndList(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            let first = try await store.upsertWorker(
                id: "gpu-1", name: "box one", capabilities: #"{"device":"cpu"}"#, state: .idle, now: t0)
            #expect(
                first
                    == WorkerRecord(
                        id: "gpu-1", name: "box one", capabilities: #"{"device":"cpu"}"#, state: .idle,
                        firstSeen: t0, lastSeen: t0))
            let again = try await store.upsertWorker(
                id: "gpu-1", name: "box 1", capabilities: #"{"device":"cuda:0"}"#, state: .active, now: t0 + 5
            )
            #expect(
                again
                    == WorkerRecord(
                        id: "gpu-1", name: "box 1", capabilities: #"{"device":"cuda:0"}"#, state: .active,
                        firstSeen: t0, lastSeen: t0 + 5))
            _ = try await store.upsertWorker(
                id: "cpu-2", name: "two", capabilities: "{}", state: .asleep, now: t0 + 6)

            try await store.touchWorker("gpu-1", state: nil, now: t0 + 7)
            #expect(try await store.worker("gpu-1")?.lastSeen == t0 + 7)
            #expect(try await store.worker("gpu-1")?.state == .active)
            try await store.touchWorker("gpu-1", state: .draining, now: t0 + 8)
            #expect(try await store.worker("gpu-1")?.state == .draining)
            #expect(try await store.worker("nobody") == nil)
            await #expect(throws: StoreError.self) {
                try await store.touchWorker("nobody", state: nil, now: t0)
            }

            #expect(try await store.workers(states: nil).map(\.id) == ["cpu-2", "gpu-1"])
            #expect(try await store.workers(states: [.draining, .offline]).map(\.id) == ["gpu-1"])
        }
    }

    @Test(arguments: Backend.all)
    func silentWorkersAreMarkedOffline(_ backend: Backend) async throws {
        try await withStore(backend) { store, _ in
            _ = try await store.upsertWorker(id: "a", name: "a", capabilities: "{}", state: .active, now: t0)
            _ = try await store.upsertWorker(
                id: "b", name: "b", capabilities: "{}", state: .idle, now: t0 + 30)
            _ = try await store.upsertWorker(id: "c", name: "c", capabilities: "{}", state: .offline, now: t0)
            #expect(try await store.markWorkers(lastSeenBefore: t0 + 10, as: .offline) == ["a"])
            #expect(try await store.worker("a")?.state == .offline)
            #expect(try await store.worker("b")?.state == .idle)
            #expect(try await store.markWorkers(lastSeenBefore: t0 + 10, as: .offline).isEmpty)
        }
    }
}

import FarmProtocol
import Testing

@testable import FarmCoordinator
@testable import FarmTesting

@Suite("Coordinator: dispatch policy")
struct CoordinatorDispatchPolicyTests {
    let policy = DispatchPolicy()
    let sd15 = RenderSettings(
        model: "sd15", width: 512, height: 512, steps: 20, sampler: "euler", schedule: "default", cfg: 7.5)
    let tiny = RenderSettings(
        model: "tiny", width: 64, height: 64, steps: 4, sampler: "ddim", schedule: "default", cfg: 5)

    @Test func batchesUpToTheWorkersLimitAndCredit() {
        let plan = policy.plan(
            offers: [.init(worker: "w1", credit: 10, batchLimit: 4, models: ["sd15"])],
            queue: [.init(key: sd15, queued: 9, priority: 0)], connectedModels: ["sd15"])
        #expect(plan.assignments.map(\.count) == [4, 4, 1])
        #expect(plan.waiting.isEmpty)
    }

    @Test func aWorkerWithoutTheModelGetsNothingAndStatusSaysWhy() {
        let plan = policy.plan(
            offers: [.init(worker: "w1", credit: 4, batchLimit: 4, models: ["tiny"])],
            queue: [.init(key: sd15, queued: 3, priority: 0)], connectedModels: ["tiny"])
        #expect(plan.assignments.isEmpty)
        #expect(plan.waiting[sd15] == .noWorkerHoldsModel)
    }

    @Test func busyHoldersAreToldApartFromNoHolder() {
        let plan = policy.plan(
            offers: [], queue: [.init(key: sd15, queued: 3, priority: 0)], connectedModels: ["sd15"])
        #expect(plan.waiting[sd15] == .workersBusy)
    }

    @Test func workersWithTheModelLoadedArePreferred() {
        let offers: [DispatchPolicy.Offer] = [
            .init(worker: "a-cold", credit: 2, batchLimit: 2, models: ["sd15", "tiny"], loadedModel: "tiny"),
            .init(worker: "b-warm", credit: 2, batchLimit: 2, models: ["sd15"], loadedModel: "sd15"),
        ]
        let plan = policy.plan(
            offers: offers, queue: [.init(key: sd15, queued: 2, priority: 0)],
            connectedModels: ["sd15", "tiny"])
        #expect(plan.assignments == [.init(worker: "b-warm", key: sd15, count: 2)])
    }

    @Test func loadedPreferenceDoesNotStealAWorkerFromItsOwnModelAtTheSamePriority() {
        let offers: [DispatchPolicy.Offer] = [
            .init(worker: "w1", credit: 2, batchLimit: 2, models: ["sd15", "tiny"], loadedModel: "tiny"),
            .init(worker: "w2", credit: 2, batchLimit: 2, models: ["sd15"], loadedModel: nil),
        ]
        // sd15 has more queued (sorted first), but w1 has tiny loaded: it keeps tiny, w2 loads sd15.
        let plan = policy.plan(
            offers: offers,
            queue: [.init(key: sd15, queued: 5, priority: 0), .init(key: tiny, queued: 2, priority: 0)],
            connectedModels: ["sd15", "tiny"])
        #expect(plan.assignments.contains(.init(worker: "w1", key: tiny, count: 2)))
        #expect(plan.assignments.contains(.init(worker: "w2", key: sd15, count: 2)))
        #expect(plan.waiting[sd15] == .workersBusy)
    }

    @Test func higherPriorityWinsOverALoadedModel() {
        let offers: [DispatchPolicy.Offer] = [
            .init(worker: "w1", credit: 1, batchLimit: 4, models: ["sd15", "tiny"], loadedModel: "tiny")
        ]
        let plan = policy.plan(
            offers: offers,
            queue: [.init(key: tiny, queued: 5, priority: 0), .init(key: sd15, queued: 1, priority: 9)],
            connectedModels: ["sd15", "tiny"])
        #expect(plan.assignments == [.init(worker: "w1", key: sd15, count: 1)])
    }

    @Test func zeroCreditOrZeroLimitGetsNothing() {
        let plan = policy.plan(
            offers: [
                .init(worker: "w1", credit: 0, batchLimit: 4, models: ["sd15"]),
                .init(worker: "w2", credit: 3, batchLimit: 0, models: ["sd15"]),
            ],
            queue: [.init(key: sd15, queued: 3, priority: 0)], connectedModels: ["sd15"])
        #expect(plan.assignments.isEmpty)
    }

    @Test func batchKeyRoundTripsThroughItsStoredString() {
        let text = sd15.batchKey
        #expect(RenderSettings(batchKey: text) == sd15)
        #expect(RenderSettings(batchKey: "not json") == nil)
        let other = RenderSettings(
            model: "sd15", width: 512, height: 512, steps: 21, sampler: "euler", schedule: "default", cfg: 7.5
        )
        #expect(other.batchKey != text)
    }

    @Test func batchKeyExtrasAreCanonicalAndOldKeysReadBackEqual() throws {
        // A key stored before extras existed.
        let old =
            #"{"cfg":7.5,"height":512,"model":"sd15","sampler":"euler","schedule":"default","steps":20,"width":512}"#
        let plain = try #require(RenderSettings(batchKey: old))
        #expect(plain.extras.isEmpty)
        #expect(plain.batchKey == old)
        // The default generator is not written: the key of plain settings is unchanged.
        #expect(
            RenderSettings(
                model: "sd15", width: 512, height: 512, steps: 20, sampler: "euler", schedule: "default",
                cfg: 7.5, rng: "cpu"
            ).batchKey == old)
        let a = RenderSettings(
            model: "sd15", width: 512, height: 512, steps: 20, sampler: "euler", schedule: "default",
            cfg: 7.5, rng: "philox", timestepSpacing: "trailing")
        #expect(
            a.batchKey
                == #"{"cfg":7.5,"extra":{"rng":"philox","timestep_spacing":"trailing"},"height":512,"model":"sd15","sampler":"euler","schedule":"default","steps":20,"width":512}"#
        )
        #expect(RenderSettings(batchKey: a.batchKey) == a)
    }

    @Test func aStoredKeyWithASettingThisVersionDoesNotKnowIsNotReadAsPlainSettings() {
        let future =
            #"{"cfg":7.5,"extra":{"clip_skip":"2"},"height":512,"model":"sd15","sampler":"euler","schedule":"default","steps":20,"width":512}"#
        #expect(RenderSettings(batchKey: future) == nil)
    }
}

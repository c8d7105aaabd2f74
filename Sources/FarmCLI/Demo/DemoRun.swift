import Diffusion
import FarmClient
import FarmProtocol
import Foundation

/// The client half of `sdfarm demo`: submits the example batch, follows it with a live
/// progress line, then downloads every image with its manifest and draws the contact sheet.
struct DemoRun: Sendable {
    let address: HostPort
    let token: [UInt8]
    let model: String
    let side: Int
    let seeds: Int
    let seed: UInt64
    let steps: Int
    let cfg: Double
    let out: String

    static let sampler = "dpmpp_2m"
    static let schedule = "karras"

    func execute(processes: WorkerProcesses, interrupted: DemoInterrupt) async throws -> DemoSummary {
        let started = ContinuousClock.now
        let job = try await submit()
        let final = try await follow(job: job, processes: processes, interrupted: interrupted)
        let elapsed = ContinuousClock.now - started
        let images = try await download(job: job)
        let sheet = (out as NSString).appendingPathComponent("contact-sheet.png")
        let contact = try ContactSheet(columns: ContactSheet.columns(for: images.count), cell: max(side, 96))
        try PNGFile.write(try contact.render(images), to: URL(fileURLWithPath: sheet))
        return DemoSummary(
            job: job, images: final.done, failed: final.failed + final.cancelled, total: final.total,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
            out: out, contactSheet: sheet)
    }

    private func submit() async throws -> Int64 {
        let settings = try JSONSerialization.data(
            withJSONObject: ["model": model, "base_seed": seed, "file": "sdfarm demo"], options: [.sortedKeys]
        )
        let spec = RenderSettings(
            model: model, width: side, height: side, steps: steps, sampler: Self.sampler,
            schedule: Self.schedule, cfg: cfg)
        let seeds = self.seeds, seed = self.seed, steps = self.steps, cfg = self.cfg
        return try await ClientOptions.withClient(address, token: token) { conn in
            try await conn.beginSubmit(
                priority: 0, owner: "demo", settings: String(decoding: settings, as: UTF8.self))
            for caption in DemoPrompts.captions {
                for s in 0..<seeds {
                    try await conn.submit(
                        SubmitItems.Item(prompt: caption, negative: "", seed: seed + UInt64(s), spec: spec))
                }
            }
            let submitted = try await conn.commit()
            say(
                "submitted job \(submitted.jobID): \(DemoPrompts.captions.count) prompts × \(seeds) seeds = \(submitted.items) images, \(steps) steps, \(Self.sampler) \(Self.schedule), CFG \(cfg)"
            )
            return submitted.jobID
        }
    }

    /// Follows the job until it ends. Fails early when every worker has died or the user
    /// interrupts: the watch runs in its own task, and this loop looks at it, the worker
    /// processes and `interrupted` every 200 ms (a watch blocked on its socket is closed
    /// when the coordinator shuts down).
    private func follow(job: Int64, processes: WorkerProcesses, interrupted: DemoInterrupt) async throws
        -> JobSummary
    {
        let address = self.address
        let token = self.token
        let watch = Task { () throws -> JobSummary? in
            try await ClientOptions.withClient(address, token: token) { conn in
                var line = DemoProgressLine()
                let final = try await conn.watch(job) { event in
                    switch event {
                    case .job(let j): line.update(job: j)
                    case .progress(let worker, let p):
                        line.update(worker: worker, step: p.step, of: p.totalSteps)
                    }
                }
                line.update(job: final)
                line.finish()
                return final
            }
        }
        let outcome = DemoWatchOutcome()
        Task {
            let result = await watch.result
            outcome.set(result)
        }
        while true {
            if let result = outcome.value {
                guard let final = try result.get() else { throw CLIError("lost the demo job's status") }
                return final
            }
            if interrupted.isSet { throw CLIError("interrupted") }
            let dead = processes.exited
            if dead.count == processes.logFiles.count {
                let logs = dead.map { "\($0.name) exited with status \($0.status), log \($0.log)" }.joined(
                    separator: "; ")
                throw CLIError("every demo worker has exited: \(logs)")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Writes every image as OUT/{index:06d}-{seed}.png with OUT/manifest.jsonl; returns the
    /// decoded images in item order (nil for an item without an image).
    private func download(job: Int64) async throws -> [RGBImage?] {
        let export = try ResultExport(directory: out)
        let images = try await ClientOptions.withClient(address, token: token) { conn -> [RGBImage?] in
            var images: [RGBImage?] = []
            try await export.download(job: job, from: &conn) { r, png in
                images.append(try png.map { try PNGFile.decode(Data($0), name: "item \(r.index)").image })
            }
            return images
        }
        try export.close()
        return images
    }
}

// How our sampler, schedule and RNG choices are named in A1111's infotext (stable-diffusion-webui
// v1.9+: modules/sd_samplers_kdiffusion.py, sd_samplers_timesteps.py, sd_schedulers.py,
// sd_samplers.get_sampler_and_scheduler, shared_options.py "randn_source"). See docs/engine.md.

extension GenerationParameters {
    enum A1111 {
        /// `Schedule type`. A1111 writes the label of the schedule used, "Automatic" when the
        /// sampler ran on its own default. Its Automatic is the model's own sigmas for Euler,
        /// Euler a, LMS, Heun, DDIM and PLMS, but Karras for DPM++ 2M — so our default schedule
        /// is "Uniform" (the model's sigmas at evenly spaced timesteps) for DPM++ 2M and
        /// "Automatic" for the others, exactly what A1111 writes for them at its defaults.
        static func scheduleType(_ schedule: SigmaScheduleKind, sampler: SamplerKind) -> String {
            switch schedule {
            case .karras: "Karras"
            case .default: automaticIsKarras(sampler) ? "Uniform" : "Automatic"
            }
        }

        /// Whether A1111's default schedule ("Automatic") for this sampler is Karras.
        static func automaticIsKarras(_ sampler: SamplerKind) -> Bool { sampler == .dpmpp2M }

        /// Reads `Schedule type` (any case: versions before 1.9 wrote "karras"). Missing means
        /// Automatic, as A1111 reads it; a sampler name with a " Karras" suffix (before 1.9:
        /// "DPM++ 2M Karras") makes Karras its Automatic.
        static func schedule(_ text: String?, sampler: SamplerKind, karrasInName: Bool) throws
            -> SigmaScheduleKind
        {
            switch text?.lowercased() {
            case "karras": return .karras
            case "uniform": return .default
            case nil, "automatic": return karrasInName || automaticIsKarras(sampler) ? .karras : .default
            case let other?:
                throw ImagingError(
                    "infotext field \"Schedule type\"",
                    "\"\(text ?? other)\" is not a schedule sdfarm has (Automatic, Uniform, Karras)")
            }
        }

        /// `RNG`. A1111 offers GPU (its default, not written), CPU and NV; NV is its CPU
        /// reimplementation of the Philox generator of NVIDIA cards' `torch.randn`, which is what
        /// our philox reproduces, so it is written by name rather than left implicit.
        static func rngName(_ rng: RNGKind) -> String {
            switch rng {
            case .cpu: "CPU"
            case .philox: "NV"
            }
        }

        /// Reads `RNG`: CPU → cpu; NV, and GPU or missing (A1111's default: on NVIDIA cards the
        /// same Philox numbers as NV; other vendors' GPUs differ and cannot be reproduced) → philox.
        static func rng(_ text: String?) throws -> RNGKind {
            switch text?.uppercased() {
            case "CPU": return .cpu
            case nil, "NV", "GPU": return .philox
            case let other?:
                throw ImagingError(
                    "infotext field \"RNG\"",
                    "\"\(text ?? other)\" is not a generator sdfarm has (CPU, NV, GPU)")
            }
        }

        /// Reads `Sampler`: A1111's names ("DPM++ 2M"), its older aliases ("k_dpmpp_2m"), the
        /// pre-1.9 names with the schedule in them ("DPM++ 2M Karras", "k_lms_ka"), and our own
        /// (`dpmpp_2m`).
        static func sampler(_ text: String) throws -> (sampler: SamplerKind, karrasInName: Bool) {
            if let kind = lookup(text) { return (kind, false) }
            for suffix in [" Karras", " karras", "_ka"] where text.hasSuffix(suffix) {
                if let kind = lookup(String(text.dropLast(suffix.count))), kind.supportsKarras {
                    return (kind, true)
                }
            }
            let known = SamplerKind.allCases.map(\.a1111Name).joined(separator: ", ")
            throw ImagingError(
                "infotext field \"Sampler\"", "\"\(text)\" is not a sampler sdfarm has (\(known))")
        }

        private static func lookup(_ name: String) -> SamplerKind? {
            if let kind = SamplerKind.allCases.first(where: { $0.a1111Name == name }) { return kind }
            if let kind = SamplerKind(rawValue: name) { return kind }
            switch name {
            case "k_euler_a", "k_euler_ancestral": return .eulerAncestral
            case "k_euler": return .euler
            case "k_lms": return .lms
            case "k_heun": return .heun
            case "k_dpmpp_2m": return .dpmpp2M
            default: return nil
            }
        }
    }
}

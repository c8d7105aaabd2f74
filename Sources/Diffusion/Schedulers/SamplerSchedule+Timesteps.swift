// Follows the timestep_spacing and sigma branches of set_timesteps in diffusers 0.42's DDIM,
// PNDM, Euler-family and DPMSolverMultistep schedulers.

extension SamplerSchedule {
    /// DDIM's integer timesteps, descending.
    static func discreteTimesteps(_ settings: SchedulerSettings, steps: Int) -> [Int] {
        let trainSteps = settings.numTrainTimesteps
        switch settings.timestepSpacing {
        case .linspace:
            return NumPyStyle.linspace(0, Double(trainSteps - 1), steps).map { Int(NumPyStyle.round($0)) }
                .reversed()
        case .leading:
            let ratio = trainSteps / steps
            return (0..<steps).reversed().map { $0 * ratio + settings.stepsOffset }
        case .trailing:
            return NumPyStyle.arange(Double(trainSteps), 0, -Double(trainSteps) / Double(steps))
                .map { Int(NumPyStyle.round($0)) - 1 }
        }
    }

    /// PNDM's PLMS timesteps: the ascending set t₀ … t_{N−1}, then
    /// [t_{N−1}, t_{N−2}, t_{N−2}, t_{N−3}, …, t₀] (the second one repeated).
    static func plmsTimesteps(_ settings: SchedulerSettings, steps: Int) -> [Int] {
        let trainSteps = settings.numTrainTimesteps
        let ascending: [Int]
        switch settings.timestepSpacing {
        case .linspace:
            ascending = NumPyStyle.linspace(0, Double(trainSteps - 1), steps).map {
                Int(NumPyStyle.round($0))
            }
        case .leading:
            let ratio = trainSteps / steps
            ascending = (0..<steps).map { $0 * ratio + settings.stepsOffset }
        case .trailing:
            ascending = NumPyStyle.arange(Double(trainSteps), 0, -Double(trainSteps) / Double(steps))
                .map { Int(NumPyStyle.round($0)) }.reversed().map { $0 - 1 }
        }
        guard ascending.count >= 2 else { return ascending }
        let n = ascending.count
        return Array((Array(ascending[..<(n - 1)]) + [ascending[n - 2], ascending[n - 1]]).reversed())
    }

    /// Timesteps and σ (with the final 0) of Euler, Euler a, LMS and Heun.
    static func sigmaTimesteps(
        _ settings: SchedulerSettings, _ training: TrainingNoiseSchedule, steps: Int, karras: Bool
    ) -> (timesteps: [Float], sigmas: [Float]) {
        let trainSteps = settings.numTrainTimesteps
        var timesteps: [Float]
        switch settings.timestepSpacing {
        case .linspace:
            timesteps = NumPyStyle.linspace(0, Double(trainSteps - 1), steps).map(Float.init).reversed()
        case .leading:
            let ratio = trainSteps / steps
            timesteps = (0..<steps).reversed().map { Float($0 * ratio) + Float(settings.stepsOffset) }
        case .trailing:
            timesteps = NumPyStyle.arange(Double(trainSteps), 0, -Double(trainSteps) / Double(steps))
                .map { Float(NumPyStyle.round($0)) - 1 }
        }
        var sigmas = timesteps.map { NumPyStyle.interp(Double($0), table: training.sigmas) }
        if karras {
            sigmas = KarrasSigmas.sigmas(min: sigmas[sigmas.count - 1], max: sigmas[0], count: steps)
            timesteps = sigmas.map {
                Float(KarrasSigmas.timestep(ofSigma: $0, logSigmas: training.logSigmas))
            }
        }
        return (timesteps, sigmas.map(Float.init) + [0])
    }

    /// DPMSolverMultistep's integer timesteps (N + 1 spaced points, the last dropped) and σ.
    static func dpmTimesteps(
        _ settings: SchedulerSettings, _ training: TrainingNoiseSchedule, steps: Int, karras: Bool
    ) -> (timesteps: [Int], sigmas: [Float]) {
        let trainSteps = settings.numTrainTimesteps
        var timesteps: [Int]
        switch settings.timestepSpacing {
        case .linspace:
            timesteps = NumPyStyle.linspace(0, Double(trainSteps - 1), steps + 1).map {
                Int(NumPyStyle.round($0))
            }
            .reversed().dropLast()
        case .leading:
            let ratio = trainSteps / (steps + 1)
            timesteps = (0...steps).reversed().dropLast().map { $0 * ratio + settings.stepsOffset }
        case .trailing:
            timesteps = NumPyStyle.arange(Double(trainSteps), 0, -Double(trainSteps) / Double(steps))
                .map { Int(NumPyStyle.round($0)) - 1 }
        }
        let sigmas: [Double]
        if karras {
            let table = training.sigmas
            sigmas = KarrasSigmas.sigmas(
                min: Double(table[0]), max: Double(table[table.count - 1]), count: steps)
            timesteps = sigmas.map { sigma in
                let t = KarrasSigmas.timestep(ofSigma: sigma, logSigmas: training.logSigmas)
                // diffusers rounds except for the cosine schedule, whose int64 cast truncates.
                return settings.betaSchedule == .squaredCosCapV2 ? Int(t) : Int(NumPyStyle.round(t))
            }
        } else {
            sigmas = timesteps.map { NumPyStyle.interp(Double($0), table: training.sigmas) }
        }
        return (timesteps, sigmas.map(Float.init) + [0])
    }
}

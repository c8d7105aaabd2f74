// Follows the `timestep_spacing` branches of diffusers' set_timesteps (Table 2 of "Common
// Diffusion Noise Schedules and Sample Steps are Flawed").

/// How N inference timesteps are picked from the T train timesteps (`--timestep-spacing`).
public enum TimestepSpacing: String, Sendable, CaseIterable, CustomStringConvertible {
    /// arange(N)·(T // N) + steps_offset.
    case leading
    /// linspace(0, T − 1, N).
    case linspace
    /// round(arange(T, 0, −T/N)) − 1.
    case trailing

    public var description: String { rawValue }
}

/// The NumPy operations diffusers builds its timesteps with, reproduced with NumPy's own
/// float64 arithmetic so that every rounding lands where NumPy's does.
enum NumPyStyle {
    /// np.linspace(start, stop, count): i·step + start, the last value exactly `stop`.
    static func linspace(_ start: Double, _ stop: Double, _ count: Int) -> [Double] {
        guard count > 1 else { return count == 1 ? [start] : [] }
        let step = (stop - start) / Double(count - 1)
        var values = (0..<count).map { Double($0) * step + start }
        values[count - 1] = stop
        return values
    }

    /// np.arange(start, stop, step) for a float step: ceil((stop − start)/step) values,
    /// value i = start + i·((start + step) − start). (It can give one value more than
    /// intended, e.g. np.arange(1000, 0, −1000/61) has 62; diffusers inherits that.)
    static func arange(_ start: Double, _ stop: Double, _ step: Double) -> [Double] {
        let length = max(Int(((stop - start) / step).rounded(.up)), 0)
        guard length > 0 else { return [] }
        let delta = (start + step) - start
        return (0..<length).map { i in i == 0 ? start : (i == 1 ? start + step : start + Double(i) * delta) }
    }

    /// np.round: half to even.
    static func round(_ value: Double) -> Double { value.rounded(.toNearestOrEven) }

    /// np.interp(x, arange(table.count), table) for the float32 table, in float64.
    static func interp(_ x: Double, table: [Float]) -> Double {
        let last = table.count - 1
        if x.isNaN { return x }
        if x <= 0 { return Double(table[0]) }
        if x >= Double(last) { return Double(table[last]) }
        let j = Int(x.rounded(.down))
        let slope = Double(table[j + 1]) - Double(table[j])  // the knots are 1 apart
        return slope * (x - Double(j)) + Double(table[j])
    }
}

import ArgumentParser

/// `--seed` (with `parsing: .unconditional`, so that "-1" is taken as the value, not an option):
/// text that is no seed is answered with what a seed is ("The value '-1' is invalid for
/// '--seed <seed>': a seed is a whole number from 0 to 2^64-1 …").
enum SeedArgument {
    static func parse(_ text: String) throws -> UInt64 {
        guard let seed = UInt64(text) else {
            throw ValidationError("a seed is a whole number from 0 to 2^64-1 (18446744073709551615)")
        }
        return seed
    }
}

import ArgumentParser

/// `--seed`: any whole number the user types, so that `--seed -1` is answered with what a
/// seed must be (argument-parser would take "-1" for an option and say a value is missing).
enum SeedArgument {
    static func parse(_ text: String) throws -> UInt64 {
        guard let seed = UInt64(text) else {
            throw ValidationError("--seed must be a whole number from 0 to 2^64-1 (18446744073709551615), not \(text)")
        }
        return seed
    }
}

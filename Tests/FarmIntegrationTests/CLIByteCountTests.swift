import Testing

@testable import FarmCLI

/// `--min-free-space` sizes.
@Suite("CLI: byte counts")
struct CLIByteCountTests {
    @Test func parsesPlainNumbersAndBinarySuffixes() {
        #expect(ByteCount(argument: "1024")?.bytes == 1024)
        #expect(ByteCount(argument: "512M")?.bytes == 512 << 20)
        #expect(ByteCount(argument: "1G")?.bytes == 1 << 30)
        #expect(ByteCount(argument: "2gib")?.bytes == 2 << 30)
        #expect(ByteCount(argument: "0")?.bytes == 0)
        #expect(ByteCount(argument: "-1G") == nil)
        #expect(ByteCount(argument: "lots") == nil)
        #expect(ByteCount(argument: "99999999999T") == nil)
        #expect(ByteCount(1 << 30).description == "1G")
    }
}

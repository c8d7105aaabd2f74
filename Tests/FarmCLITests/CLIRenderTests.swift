import Testing

@testable import FarmCLI
@testable import FarmTesting

@Suite("CLI: progress text and previews")
struct CLIRenderTests {
    @Test func progressBars() {
        #expect(ProgressText.bar(done: 0, total: 10, width: 10) == "[          ]   0%")
        #expect(ProgressText.bar(done: 10, total: 10, width: 10) == "[██████████] 100%")
        #expect(ProgressText.bar(done: 55, total: 100, width: 10) == "[█████▌    ]  55%")
        #expect(ProgressText.bar(done: 5, total: 0, width: 4) == "[    ]   -")
        // Every bar has the same width.
        for done in 0...37 { #expect(ProgressText.bar(done: done, total: 37, width: 12).count == 19) }
    }

    @Test func durationsAndETA() {
        #expect(ProgressText.duration(42) == "42s")
        #expect(ProgressText.duration(185) == "3m05s")
        #expect(ProgressText.duration(3720) == "1h02m")
        #expect(ProgressText.duration(.nan) == "-")
        #expect(ProgressText.eta(remaining: 30, perMinute: 10) == "3m00s")
        #expect(ProgressText.eta(remaining: 30, perMinute: nil) == nil)
        #expect(ProgressText.eta(remaining: 0, perMinute: 10) == nil)
    }

    @Test func halfBlocksCarryTwoPixelsPerCharacter() {
        // 2×2: red, green / blue, white.
        let rgb: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]
        let lines = HalfBlockPreview.render(rgb: rgb, width: 2, height: 2)
        #expect(lines.count == 1)
        #expect(
            lines[0]
                == "\u{1B}[38;2;255;0;0m\u{1B}[48;2;0;0;255m▀\u{1B}[38;2;0;255;0m\u{1B}[48;2;255;255;255m▀\u{1B}[0m"
        )
        #expect(HalfBlockPreview.render(rgb: [1, 2], width: 2, height: 2).isEmpty)
        // Scaled down to the column limit.
        let big = [UInt8](repeating: 9, count: 64 * 64 * 3)
        let scaled = HalfBlockPreview.render(rgb: big, width: 64, height: 64, maxColumns: 16)
        #expect(scaled.count == 8)
        #expect(scaled[0].components(separatedBy: "▀").count - 1 == 16)
    }
}

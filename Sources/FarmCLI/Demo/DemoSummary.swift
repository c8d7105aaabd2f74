/// What `sdfarm demo` prints at the end.
struct DemoSummary: Sendable {
    let job: Int64
    let images: Int
    let failed: Int
    let total: Int
    let seconds: Double
    let out: String
    let contactSheet: String

    var perMinute: Double { seconds > 0 ? Double(images) / seconds * 60 : 0 }

    var text: String {
        var lines = [
            "job \(job): \(images) of \(total) images in \(ProgressText.duration(seconds)) (\(String(format: "%.1f", perMinute)) images/min)"
        ]
        if failed > 0 { lines.append("\(failed) items did not finish: see \(out)/manifest.jsonl") }
        lines.append("images and manifest.jsonl in \(out), contact sheet \(contactSheet)")
        return lines.joined(separator: "\n")
    }
}

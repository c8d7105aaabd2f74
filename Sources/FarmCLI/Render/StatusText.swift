import FarmCoordinator
import FarmStore
import Foundation

/// `sdfarm status` / `jobs` / `workers` as text tables and as JSON.
enum StatusText {
    static func workers(_ status: StatusView) -> String {
        guard !status.workers.isEmpty else { return "no workers connected\n" }
        var rows = [["WORKER", "STATE", "DEVICE", "MODEL", "JOBS", "IMAGES", "IMG/MIN"]]
        for w in status.workers {
            rows.append([
                w.name, w.state, w.device, w.loadedModel ?? "-",
                w.jobs.isEmpty ? "-" : w.jobs.map(String.init).joined(separator: ","),
                String(w.imagesDone), w.imagesPerMinute.map { String(format: "%.1f", $0) } ?? "-",
            ])
        }
        return table(rows)
    }

    static func jobs(_ status: StatusView) -> String {
        guard !status.jobs.isEmpty else { return "no jobs\n" }
        var rows = [["JOB", "STATE", "PROGRESS", "DONE", "FAILED", "QUEUED", "RATE", "ETA", "WAITING"]]
        for j in status.jobs {
            rows.append([
                String(j.id), j.state, ProgressText.bar(done: j.finished, total: j.total),
                "\(j.done)/\(j.total)", String(j.failed), String(j.queued),
                j.imagesPerMinute.map { String(format: "%.1f/min", $0) } ?? "-",
                ProgressText.eta(remaining: j.queued + j.leased, perMinute: j.imagesPerMinute) ?? "-",
                j.waiting ?? "",
            ])
        }
        return table(rows)
    }

    /// Left-aligned columns two spaces apart.
    static func table(_ rows: [[String]]) -> String {
        var widths: [Int] = []
        for row in rows {
            for (i, cell) in row.enumerated() {
                if i >= widths.count { widths.append(0) }
                widths[i] = max(widths[i], cell.count)
            }
        }
        return rows.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }.joined(separator: "  ").trimmingTrailingSpaces
        }.joined(separator: "\n") + "\n"
    }

    static func json(_ status: StatusView) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(status), as: UTF8.self) + "\n"
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}

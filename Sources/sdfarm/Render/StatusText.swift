import FarmCoordinator
import FarmStore
import Foundation

/// `sdfarm status` / `jobs` / `workers` as text tables and as JSON.
enum StatusText {
    static func workers(_ status: FarmStatus) -> String {
        guard !status.workers.isEmpty else { return "no workers connected\n" }
        var rows = [["WORKER", "STATE", "DEVICE", "MODEL", "JOBS", "IMAGES", "IMG/MIN"]]
        for w in status.workers {
            rows.append([
                w.name, w.state, w.device, w.loadedModel ?? "-", w.jobs.isEmpty ? "-" : w.jobs.map(String.init).joined(separator: ","),
                String(w.imagesDone), w.imagesPerMinute.map { String(format: "%.1f", $0) } ?? "-",
            ])
        }
        return table(rows)
    }

    static func jobs(_ status: FarmStatus) -> String {
        guard !status.jobs.isEmpty else { return "no jobs\n" }
        var rows = [["JOB", "STATE", "PROGRESS", "DONE", "FAILED", "QUEUED", "RATE", "ETA", "WAITING"]]
        for j in status.jobs {
            let p = j.record.progress
            rows.append([
                String(j.record.id.rawValue), j.record.state.rawValue, ProgressText.bar(done: p.finished, total: p.total),
                "\(p.done)/\(p.total)", String(p.failed), String(p.queued),
                j.imagesPerMinute.map { String(format: "%.1f/min", $0) } ?? "-",
                ProgressText.eta(remaining: p.queued + p.leased, perMinute: j.imagesPerMinute) ?? "-",
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

    static func json(_ status: FarmStatus) throws -> String {
        let object: [String: Any] = [
            "workers": status.workers.map { w -> [String: Any] in
                [
                    "id": w.id, "name": w.name, "state": w.state, "device": w.device, "loaded_model": w.loadedModel ?? NSNull(),
                    "models": w.models, "jobs": w.jobs.map { NSNumber(value: $0) }, "items_in_hand": w.itemsInHand,
                    "images_done": w.imagesDone, "images_per_minute": w.imagesPerMinute ?? NSNull(),
                ]
            },
            "jobs": status.jobs.map { j -> [String: Any] in
                let p = j.record.progress
                return [
                    "id": NSNumber(value: j.record.id.rawValue), "state": j.record.state.rawValue, "priority": j.record.priority,
                    "total": p.total, "queued": p.queued, "leased": p.leased, "done": p.done, "failed": p.failed,
                    "cancelled": p.cancelled, "waiting": j.waiting ?? NSNull(), "images_per_minute": j.imagesPerMinute ?? NSNull(),
                ]
            },
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}

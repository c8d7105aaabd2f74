/// Renders `FarmMetrics` in the Prometheus text exposition format (version 0.0.4): a
/// `# HELP` and `# TYPE` line per family, then its samples; label values escaped.
public enum PrometheusText {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public static func render(_ m: FarmMetrics) -> String {
        var out = ""
        func family(
            _ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]
        ) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for s in samples { out += "\(name)\(s.labels) \(s.value)\n" }
        }
        func one(_ value: Int) -> [(labels: String, value: String)] { [("", String(value))] }

        family(
            "sdfarm_queue_depth", "gauge",
            "Items queued and not leased, over active jobs (absent when the store fails).",
            m.queueDepth.map(one) ?? [])
        family("sdfarm_items_leased", "gauge", "Items leased to workers now.", one(m.itemsLeased))
        family("sdfarm_items_done_total", "counter", "Items finished with a stored result.", one(m.itemsDone))
        family("sdfarm_items_failed_total", "counter", "Items failed for good.", one(m.itemsFailed))
        family(
            "sdfarm_items_assigned_total", "counter", "Items handed to workers (retries included).",
            one(m.itemsAssigned))
        family(
            "sdfarm_lease_expiries_total", "counter", "Leases that ran out and were requeued.",
            one(m.leaseExpiries))
        family(
            "sdfarm_previews_dropped_total", "counter",
            "Progress updates replaced before a watcher took them.", one(m.previewsDropped))
        family(
            "sdfarm_connections_refused_total", "counter", "Connections refused at the handshake.",
            one(m.connectionsRefused))
        family(
            "sdfarm_results_deferred_total", "counter",
            "Results the worker was asked to resend later (store or disk trouble).",
            one(m.resultsDeferred))
        family(
            "sdfarm_store_healthy", "gauge", "1 when the last job-store call succeeded, else 0.",
            one(m.storeHealthy ? 1 : 0))
        family(
            "sdfarm_store_errors_total", "counter", "Failed job-store calls by operation.",
            m.storeErrors.keys.sorted().map { (labels(["operation": $0]), String(m.storeErrors[$0]!)) })
        family(
            "sdfarm_result_disk_low", "gauge",
            "1 while the result disk is below the free-space reserve (no new work claimed).",
            one(m.resultDiskLow ? 1 : 0))
        family(
            "sdfarm_result_disk_free_bytes", "gauge", "Free bytes on the result disk when last measured.",
            m.resultDiskFreeBytes.map { [("", String($0))] } ?? [])
        family(
            "sdfarm_workers", "gauge", "Connected workers by state.",
            m.workersByState.keys.sorted().map { (labels(["state": $0]), String(m.workersByState[$0]!)) })
        let names = m.workers.keys.sorted()
        family(
            "sdfarm_worker_images_total", "counter", "Images each worker finished.",
            names.map { (labels(["worker": $0]), String(m.workers[$0]!.imagesDone)) })
        family(
            "sdfarm_worker_images_per_minute", "gauge", "Each worker's recent throughput.",
            names.compactMap { name in
                m.workers[name]!.imagesPerMinute.map { (labels(["worker": name]), format($0)) }
            })
        return out
    }

    /// `{a="x",b="y"}` with values escaped as the format requires (backslash, quote, newline).
    static func labels(_ pairs: [String: String]) -> String {
        let body = pairs.keys.sorted().map { key in
            var value = ""
            for c in pairs[key]! {
                switch c {
                case "\\": value += "\\\\"
                case "\"": value += "\\\""
                case "\n": value += "\\n"
                default: value.append(c)
                }
            }
            return "\(key)=\"\(value)\""
        }
        return "{" + body.joined(separator: ",") + "}"
    }

    static func format(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "+Inf" : "-Inf" }
        return String(x)
    }
}

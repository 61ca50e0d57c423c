import CSQLite
import Foundation

// MARK: - Results

/// Everything one benchmark run measured.
struct BenchResults {
    var runs: Int
    var comparisons: [Comparison] = []
    var startupMs: Double?
    var spawnMs = 0.0
    var memoryOrmlabMB: Double?
    var memoryBaselineMB = 0.0

    var allTargetsMet: Bool { comparisons.allSatisfy(\.meetsTarget) }

    // MARK: - Table

    var table: String {
        var lines: [String] = []
        let sqliteVersion = String(cString: sqlite3_libversion())
        lines.append("ORMLab vs the SQLite C API: median of \(runs) runs, SQLite \(sqliteVersion), \(ProcessInfo.processInfo.activeProcessorCount) cores")
        lines.append("")
        let header = ["workload", "ORMLab", "C baseline", "ratio", "target", ""]
        var rows: [[String]] = comparisons.map { c in
            [c.title, ms(c.ormlabMedian), ms(c.baselineMedian), String(format: "%.2f", c.ratio),
             String(format: "≤ %.1f", c.target), c.meetsTarget ? "ok" : "MISSED"]
        }
        if let startupMs {
            rows.append(["startup: empty script, spawn to exit", ms(startupMs), ms(spawnMs) + " (/bin/true)", "", "", ""])
        }
        if let memoryOrmlabMB {
            rows.append(["peak memory: \(memoryRows.formatted) rows hydrated", mb(memoryOrmlabMB), mb(memoryBaselineMB),
                         String(format: "%.2f", memoryBaselineMB > 0 ? memoryOrmlabMB / memoryBaselineMB : 0), "", ""])
        }
        let widths = header.indices.map { i in ([header] + rows).map { $0[i].count }.max() ?? 0 }
        func format(_ row: [String]) -> String {
            row.indices.map { i in
                i == 0 ? row[i].padding(toLength: widths[i], withPad: " ", startingAt: 0)
                       : String(repeating: " ", count: widths[i] - row[i].count) + row[i]
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        lines.append(format(header))
        lines.append(String(repeating: "─", count: widths.reduce(0, +) + 2 * (widths.count - 1)))
        lines += rows.map(format)
        lines.append("")
        lines.append(allTargetsMet ? "every ratio meets its target" : "some ratios MISSED their target")
        return lines.joined(separator: "\n")
    }

    private func ms(_ value: Double) -> String { String(format: "%.1f ms", value) }
    private func mb(_ value: Double) -> String { String(format: "%.0f MB", value) }

    // MARK: - JSON

    var json: String {
        var object: [String: Any] = [:]
        for c in comparisons {
            object[c.key] = ["ormlab_ms": round2(c.ormlabMedian), "baseline_ms": round2(c.baselineMedian), "ratio": round2(c.ratio),
                             "target": c.target, "meets_target": c.meetsTarget,
                             "ormlab_runs_ms": c.ormlab.map(round2), "baseline_runs_ms": c.baseline.map(round2)]
        }
        if let startupMs {
            object["startup"] = ["ormlab_ms": round2(startupMs), "process_spawn_ms": round2(spawnMs)]
        }
        if let memoryOrmlabMB {
            object["memory"] = ["rows": memoryRows, "ormlab_mb": round2(memoryOrmlabMB), "baseline_mb": round2(memoryBaselineMB)]
        }
        object["runs"] = runs
        object["sqlite_version"] = String(cString: sqlite3_libversion())
        object["all_targets_met"] = allTargetsMet
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    private func round2(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}

extension Int {
    /// 200000 → "200,000".
    var formatted: String {
        let digits = Array(String(self))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Clock and statistics

/// Milliseconds on a monotonic clock; only differences are meaningful.
func nowMilliseconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) * 1000 + Double(now.tv_nsec) / 1_000_000
}

/// Wall time of `body` in milliseconds.
func timed(_ body: () throws -> Void) rethrows -> Double {
    let start = nowMilliseconds()
    try body()
    return nowMilliseconds() - start
}

/// The middle value (the mean of the two middle values for an even count).
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// Peak resident set size of this process so far, in kilobytes: `VmHWM` of /proc/self/status.
///
/// Not `getrusage`'s ru_maxrss: Linux carries that over from the parent across fork and exec,
/// so a child process would start with the benchmark's own peak.
func peakResidentKilobytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
    }
    return 0
}

/// A failed check: the benchmark measured something other than what it claims.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Throws unless `condition` holds: every workload checks it did the full amount of work.
func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw BenchError(message()) }
}

/// Progress on standard error, so `--json` output stays one clean object.
func progress(_ text: String) {
    FileHandle.standardError.write((text + "\n").data(using: .utf8) ?? Data())
}

// MARK: - Paired measurement

/// One workload measured on both sides: ORMLab and the hand-written C-API baseline.
struct Comparison {
    var key: String
    var title: String
    var target: Double
    var ormlab: [Double] = []
    var baseline: [Double] = []

    var ormlabMedian: Double { median(ormlab) }
    var baselineMedian: Double { median(baseline) }
    var ratio: Double { baselineMedian > 0 ? ormlabMedian / baselineMedian : .infinity }
    var meetsTarget: Bool { ratio <= target }
}

/// Runs both sides alternately (one warm-up each, then `runs` timed rounds), so noise on the
/// machine falls on both sides alike. Each closure returns the time of its measured part.
func compare(_ key: String, _ title: String, target: Double, runs: Int,
             ormlab: () throws -> Double, baseline: () throws -> Double) throws -> Comparison {
    progress("  \(title)…")
    var comparison = Comparison(key: key, title: title, target: target)
    if ormlabOnly || baselineOnly {
        for _ in 0..<runs {
            if ormlabOnly { comparison.ormlab.append(try ormlab()) } else { comparison.baseline.append(try baseline()) }
        }
        if comparison.ormlab.isEmpty { comparison.ormlab = [0] }
        if comparison.baseline.isEmpty { comparison.baseline = [1] }
        return comparison
    }
    _ = try ormlab()
    _ = try baseline()
    for round in 0..<runs {
        // Alternate which side goes first, so neither always runs on a warmer cache.
        if round % 2 == 0 {
            comparison.ormlab.append(try ormlab())
            comparison.baseline.append(try baseline())
        } else {
            comparison.baseline.append(try baseline())
            comparison.ormlab.append(try ormlab())
        }
    }
    return comparison
}

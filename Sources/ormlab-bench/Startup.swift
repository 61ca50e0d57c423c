import Foundation
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Startup

/// Wall time of spawning `executable` with empty standard input until it exits, in ms.
///
/// posix_spawn and waitpid directly: Foundation's `Process.waitUntilExit` polls a run loop and
/// would add tens of milliseconds to a process that takes a few.
func spawnTime(_ executable: String, arguments: [String] = []) throws -> Double {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var pid: pid_t = 0
    let start = nowMilliseconds()
    let code = posix_spawn(&pid, executable, &actions, nil, argv, environ)
    try require(code == 0, "cannot spawn \(executable): error \(code)")
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let ms = nowMilliseconds() - start
    try require(status == 0, "\(executable) exited with status \(status)")
    return ms
}

/// This benchmark's own executable (for the memory child processes).
var ownExecutable: String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
}

/// The `ormlab` binary next to this benchmark, brought up to date first (`swift build` of the
/// `ormlab` product, a no-op when nothing changed) so the startup time is today's code's.
func ormlabExecutable() throws -> String {
    let directory = URL(fileURLWithPath: ownExecutable).deletingLastPathComponent()
    let candidate = directory.appendingPathComponent("ormlab").path
    // Sources/ormlab-bench/Startup.swift → the package root.
    let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    if FileManager.default.fileExists(atPath: packageRoot.appendingPathComponent("Package.swift").path) {
        let configuration = directory.lastPathComponent == "debug" ? "debug" : "release"
        progress("  building ormlab (\(configuration)) for the startup measurement…")
        let build = Process()
        build.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        build.arguments = ["swift", "build", "-c", configuration, "--product", "ormlab", "--package-path", packageRoot.path]
        build.standardOutput = FileHandle.standardError
        try build.run()
        build.waitUntilExit()
    }
    try require(FileManager.default.isExecutableFile(atPath: candidate), "no ormlab binary at \(candidate)")
    return candidate
}

// MARK: - Peak memory (child processes)

/// Hydrates every Person of `path` in this process and prints the growth of the peak RSS in KB.
/// Run in a child process so each side starts from a clean heap.
func memoryChild(side: String, path: String) throws {
    var objectCount = 0
    let before: Int
    let after: Int
    if side == "ormlab" {
        let loads = try ORMLabLoads(path: path)
        before = peakResidentKilobytes()
        let (_, objects) = try loads.fetch(allPeople)
        after = peakResidentKilobytes()
        objectCount = objects.count
        withExtendedLifetime(objects) {}
    } else {
        let db = try RawDatabase(path: path)
        before = peakResidentKilobytes()
        let rows = try baselineHydratePeople(db)
        after = peakResidentKilobytes()
        objectCount = rows.count
        withExtendedLifetime(rows) {}
    }
    print("\(objectCount) \(after - before)")
}

/// Peak memory growth of hydrating the file's rows on one side, in MB, from a child process.
func measureMemory(side: String, path: String, rows: Int) throws -> Double {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: ownExecutable)
    process.arguments = ["--memory-child", side, path]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let fields = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
    try require(process.terminationStatus == 0 && fields.count == 2, "the memory child (\(side)) failed")
    try require(fields[0] == rows, "the memory child (\(side)) loaded \(fields[0]) rows, not \(rows)")
    return Double(fields[1]) / 1024
}

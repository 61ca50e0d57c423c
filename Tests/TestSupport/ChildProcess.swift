import Foundation
#if canImport(Glibc)
import Glibc
#endif

// Starting programs from tests (the real `ormlab`, tmux, swiftc, strace) without Foundation's
// `Process`. Under a full parallel test run, `Process.waitUntilExit()` was seen to wait for ever
// for a child that had already exited (a zombie nobody reaped), which hung CI until its time
// limit. Here every child is started with posix_spawn, its standard streams go to files (no pipe
// can fill up or be held open by a grandchild), and it is reaped with waitpid on its own pid
// against a deadline, so a test can fail but never hang.

/// How a child process ended.
public struct ChildResult: Sendable {
    /// The exit status, or the signal number when `signaled`.
    public var status: Int32
    /// True when the process ended by a signal (a crash, or a kill) rather than by exiting.
    public var signaled: Bool
    /// True when it did not finish in time and was killed.
    public var timedOut: Bool
    public var stdout: String
    public var stderr: String
}

public struct ChildProcessError: Error, CustomStringConvertible {
    public var description: String
}

/// A running child process; its output goes to files in a scratch directory of its own.
public final class ChildProcess {
    public let pid: pid_t
    private let scratch: URL
    private var finished: (status: Int32, signaled: Bool)?

    /// Starts `executable` with `arguments`; standard input is `stdin`'s bytes (empty by
    /// default), the environment is inherited unless given, the working directory likewise.
    /// The child starts with default signal handling and nothing blocked, whatever the test
    /// process does with its own signals.
    public init(_ executable: String, _ arguments: [String], stdin: Data = Data(),
                environment: [String: String]? = nil, directory: String? = nil) throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ormlab-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        try stdin.write(to: scratch.appendingPathComponent("stdin"))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, scratch.appendingPathComponent("stdin").path, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, scratch.appendingPathComponent("stdout").path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, scratch.appendingPathComponent("stderr").path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        if let directory {
            guard let addChdir = spawnAddChdir else {
                throw ChildProcessError(description: "this C library cannot start a process in another directory")
            }
            _ = addChdir(&actions, directory)
        }
        // No other descriptor of the test process (another test's files or sockets) leaks in.
        _ = spawnAddClosefrom?(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t(), allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let variables = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let envp = variables.map { strdup($0) } + [nil]
        defer { envp.forEach { free($0) } }

        var child: pid_t = 0
        let code = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard code == 0 else {
            try? FileManager.default.removeItem(at: scratch)
            throw ChildProcessError(description: "cannot start \(executable): \(String(cString: strerror(code)))")
        }
        pid = child
    }

    deinit {
        if finished == nil {
            kill(pid, SIGKILL)
            _ = reap(blocking: true)
        }
        try? FileManager.default.removeItem(at: scratch)
    }

    /// True until the process has exited (and been reaped).
    public var isRunning: Bool { finished == nil && !reap(blocking: false) }

    /// Sends `signal` to the process, if it is still running.
    public func send(_ signal: Int32) {
        if finished == nil { kill(pid, signal) }
    }

    /// Waits until the process exits, at most `timeout` seconds; then kills it with SIGKILL.
    /// Returns its status and everything it wrote.
    public func wait(timeout: TimeInterval = 60) -> ChildResult {
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while !reap(blocking: false) {
            if Date() >= deadline {
                timedOut = true
                kill(pid, SIGKILL)
                _ = reap(blocking: true)
                break
            }
            usleep(2_000)
        }
        let outcome = finished ?? (status: SIGKILL, signaled: true)
        return ChildResult(status: outcome.status, signaled: outcome.signaled, timedOut: timedOut,
                           stdout: read("stdout"), stderr: read("stderr"))
    }

    private func read(_ name: String) -> String {
        let data = (try? Data(contentsOf: scratch.appendingPathComponent(name))) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Reaps the process if it has exited; true once it has.
    private func reap(blocking: Bool) -> Bool {
        if finished != nil { return true }
        var status: Int32 = 0
        let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
        if result == pid {
            let signal = status & 0x7f
            finished = signal == 0 ? (status: (status >> 8) & 0xff, signaled: false) : (status: signal, signaled: true)
            return true
        }
        if result == -1 && errno == EINTR { return false }
        if result == -1 {
            // ECHILD: someone else reaped it (SIGCHLD ignored); it is gone, its status unknown.
            finished = (status: -1, signaled: false)
            return true
        }
        return false
    }
}

// glibc's posix_spawn extensions (2.29, 2.34) are declared only under _GNU_SOURCE, which the
// Glibc module does not define; look them up at run time instead.
private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
private typealias AddClosefrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
private let spawnAddChdir: AddChdir? = dlsym(nil, "posix_spawn_file_actions_addchdir_np").map { unsafeBitCast($0, to: AddChdir.self) }
private let spawnAddClosefrom: AddClosefrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map { unsafeBitCast($0, to: AddClosefrom.self) }

/// Runs a program to completion (at most `timeout` seconds) and returns what it did.
@discardableResult
public func runChild(_ executable: String, _ arguments: [String], stdin: Data = Data(),
                     environment: [String: String]? = nil, directory: String? = nil,
                     timeout: TimeInterval = 60) throws -> ChildResult {
    let child = try ChildProcess(executable, arguments, stdin: stdin, environment: environment, directory: directory)
    return child.wait(timeout: timeout)
}

/// The full path of a program on PATH, like `which`.
public func programPath(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}

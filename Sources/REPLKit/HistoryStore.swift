// The REPL history file: one entry per line, multi-line entries escaped, written atomically.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads and writes the REPL history at `$XDG_STATE_HOME/ormlab/history`.
///
/// File format: UTF-8, one entry per line; inside an entry a backslash is written `\\` and a
/// newline `\n`, so a multi-line `entity` block stays one entry.
public struct HistoryStore: Sendable, Equatable {
    /// How many entries are kept when none is given.
    public static let defaultLimit = 1000

    /// The history file.
    public var path: String
    /// How many of the newest entries `save` keeps.
    public var limit: Int

    public init(path: String, limit: Int = HistoryStore.defaultLimit) {
        self.path = path
        self.limit = max(0, limit)
    }

    /// The store at the conventional place: `$XDG_STATE_HOME/ormlab/history`, or
    /// `$HOME/.local/state/ormlab/history`; nil when neither variable is set (to an absolute path).
    public init?(environment: [String: String], limit: Int = HistoryStore.defaultLimit) {
        guard let path = HistoryStore.defaultPath(environment: environment) else { return nil }
        self.init(path: path, limit: limit)
    }

    /// `$XDG_STATE_HOME/ormlab/history`, else `$HOME/.local/state/ormlab/history`. Per the XDG
    /// specification a relative XDG_STATE_HOME is ignored.
    public static func defaultPath(environment: [String: String]) -> String? {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return join(state, "ormlab/history")
        }
        if let home = environment["HOME"], home.hasPrefix("/") {
            return join(home, ".local/state/ormlab/history")
        }
        return nil
    }

    private static func join(_ directory: String, _ rest: String) -> String {
        directory.hasSuffix("/") ? directory + rest : directory + "/" + rest
    }

    // MARK: - Loading

    /// The entries in the file, oldest first; [] when the file is missing or unreadable.
    /// Lines that are not valid UTF-8 are skipped; consecutive duplicates are collapsed.
    public func load() -> [String] {
        guard let bytes = HistoryStore.readFile(path) else { return [] }
        var entries: [String] = []
        for lineBytes in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            var line = Array(lineBytes)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            guard let text = String(validating: line, as: UTF8.self) else { continue }
            let entry = HistoryStore.unescape(text)
            if entry.isEmpty || entries.last == entry { continue }
            entries.append(entry)
        }
        return Array(entries.suffix(limit))
    }

    // MARK: - Saving

    /// Writes the newest `limit` entries (consecutive duplicates collapsed), creating the
    /// directory (mode 0700) and replacing the file atomically: a temporary file in the same
    /// directory, then rename.
    public func save(_ entries: [String]) throws {
        var kept: [String] = []
        for entry in entries where !entry.isEmpty && kept.last != entry { kept.append(entry) }
        kept = Array(kept.suffix(limit))
        let text = kept.map { HistoryStore.escape($0) + "\n" }.joined()

        let directory = HistoryStore.directory(of: path)
        try HistoryStore.createDirectories(directory)
        let temporary = "\(path).tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw HistoryError.cannotWrite(path: temporary, errno: errno) }
        var bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeMutableBytes { buffer in
                write(descriptor, buffer.baseAddress! + written, buffer.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(descriptor)
                unlink(temporary)
                throw HistoryError.cannotWrite(path: temporary, errno: code)
            }
            written += result
        }
        bytes.removeAll()
        _ = fsync(descriptor)
        close(descriptor)
        if rename(temporary, path) != 0 {
            let code = errno
            unlink(temporary)
            throw HistoryError.cannotWrite(path: path, errno: code)
        }
    }

    // MARK: - Escaping

    /// One entry as one line: `\` → `\\`, newline → `\n`, carriage return → `\r`.
    public static func escape(_ entry: String) -> String {
        var out = ""
        for scalar in entry.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The inverse of `escape`; an unknown escape keeps its backslash.
    public static func unescape(_ line: String) -> String {
        var out = String.UnicodeScalarView()
        var iterator = line.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            guard scalar == "\\" else { out.append(scalar); continue }
            switch iterator.next() {
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "\\": out.append("\\")
            case let other?: out.append("\\"); out.append(other)
            case nil: out.append("\\")
            }
        }
        return String(out)
    }

    // MARK: - Files

    private static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }

    private static func createDirectories(_ directory: String) throws {
        var current = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o700) != 0 && errno != EEXIST {
                throw HistoryError.cannotCreateDirectory(path: current, errno: errno)
            }
        }
    }

    private static func readFile(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
        }
        return bytes
    }
}

/// Why the history could not be written.
public enum HistoryError: Error, Equatable, CustomStringConvertible {
    case cannotCreateDirectory(path: String, errno: Int32)
    case cannotWrite(path: String, errno: Int32)

    public var description: String {
        switch self {
        case .cannotCreateDirectory(let path, let code):
            return "cannot create the history directory \(path): \(String(cString: strerror(code)))"
        case .cannotWrite(let path, let code):
            return "cannot write the history file \(path): \(String(cString: strerror(code)))"
        }
    }
}

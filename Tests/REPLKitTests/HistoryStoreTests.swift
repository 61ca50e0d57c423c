import Testing
@testable import REPLKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh directory under /tmp for one test.
func makeTemporaryDirectory() -> String {
    var template = Array("/tmp/replkit-tests-XXXXXX".utf8CString)
    let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    #expect(created != nil)
    return String(cString: template)
}

/// Deletes `path` and everything below it (test directories only).
func removeTree(_ path: String) {
    var info = stat()
    guard lstat(path, &info) == 0 else { return }
    if info.st_mode & S_IFMT == S_IFDIR {
        for name in directoryEntries(path) { removeTree(path + "/" + name) }
        rmdir(path)
    } else {
        unlink(path)
    }
}

func directoryEntries(_ path: String) -> [String] {
    guard let directory = opendir(path) else { return [] }
    defer { closedir(directory) }
    var names: [String] = []
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
        if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
}

func writeBytes(_ bytes: [UInt8], to path: String) {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    #expect(descriptor >= 0)
    _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress!, $0.count) }
    close(descriptor)
}

func readText(_ path: String) -> String? {
    guard let file = fopen(path, "r") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    while true {
        let c = fgetc(file)
        if c == EOF { break }
        bytes.append(UInt8(c))
    }
    return String(decoding: bytes, as: UTF8.self)
}

// MARK: - Path

@Test func pathPrefersXDGStateHome() {
    #expect(HistoryStore.defaultPath(environment: ["XDG_STATE_HOME": "/state", "HOME": "/home/ann"]) == "/state/ormlab/history")
    #expect(HistoryStore.defaultPath(environment: ["XDG_STATE_HOME": "/state/", "HOME": "/home/ann"]) == "/state/ormlab/history")
}

@Test func pathFallsBackToHome() {
    #expect(HistoryStore.defaultPath(environment: ["HOME": "/home/ann"]) == "/home/ann/.local/state/ormlab/history")
    #expect(HistoryStore.defaultPath(environment: ["XDG_STATE_HOME": "", "HOME": "/home/ann"]) == "/home/ann/.local/state/ormlab/history")
    #expect(HistoryStore.defaultPath(environment: ["XDG_STATE_HOME": "relative", "HOME": "/home/ann"]) == "/home/ann/.local/state/ormlab/history")
}

@Test func noPathWithoutHome() {
    #expect(HistoryStore.defaultPath(environment: [:]) == nil)
    #expect(HistoryStore(environment: ["PATH": "/bin"]) == nil)
    #expect(HistoryStore(environment: ["HOME": "/h"], limit: 5) == HistoryStore(path: "/h/.local/state/ormlab/history", limit: 5))
}

// MARK: - Saving and loading

@Test func saveCreatesPrivateDirectoriesAndRoundTrips() throws {
    let root = makeTemporaryDirectory()
    defer { removeTree(root) }
    guard let store = HistoryStore(environment: ["XDG_STATE_HOME": root + "/state"]) else {
        Issue.record("no store")
        return
    }
    let entries = ["Author.all", "entity Author {\n  name: String\n}", #"insert Author(name: "a\\b \"q\"")"#, "é 日本"]
    try store.save(entries)
    #expect(store.load() == entries)

    var info = stat()
    #expect(stat(root + "/state/ormlab", &info) == 0)
    #expect(info.st_mode & 0o777 == 0o700)
    #expect(readText(store.path) == "Author.all\nentity Author {\\n  name: String\\n}\n"
        + #"insert Author(name: "a\\\\b \\"q\\"")"# + "\né 日本\n")
}

@Test func saveKeepsTheNewestEntries() throws {
    let directory = makeTemporaryDirectory()
    defer { removeTree(directory) }
    let store = HistoryStore(path: directory + "/history", limit: 3)
    try store.save((1...10).map { "Author#\($0)" })
    #expect(store.load() == ["Author#8", "Author#9", "Author#10"])
}

@Test func loadKeepsTheNewestEntriesOfALongerFile() throws {
    let directory = makeTemporaryDirectory()
    defer { removeTree(directory) }
    let path = directory + "/history"
    try HistoryStore(path: path).save((1...10).map { "Author#\($0)" })
    #expect(HistoryStore(path: path, limit: 2).load() == ["Author#9", "Author#10"])
}

@Test func defaultLimitIsAThousand() throws {
    let directory = makeTemporaryDirectory()
    defer { removeTree(directory) }
    let store = HistoryStore(path: directory + "/history")
    #expect(store.limit == 1000)
    try store.save((1...1500).map { "Book#\($0)" })
    let loaded = store.load()
    #expect(loaded.count == 1000)
    #expect(loaded.first == "Book#501")
}

@Test func consecutiveDuplicatesCollapse() throws {
    let directory = makeTemporaryDirectory()
    defer { removeTree(directory) }
    let store = HistoryStore(path: directory + "/history")
    try store.save(["save", "save", "Author.all", "save", "save", ""])
    #expect(store.load() == ["save", "Author.all", "save"])
    #expect(readText(store.path) == "save\nAuthor.all\nsave\n")
}

@Test func atomicWriteLeavesNoTemporaryFile() throws {
    let directory = makeTemporaryDirectory()
    defer { removeTree(directory) }
    let store = HistoryStore(path: directory + "/history")
    try store.save(["one"])
    try store.save(["one", "two"])
    #expect(directoryEntries(directory) == ["history"])
    #expect(store.load() == ["one", "two"])
}

@Test func saveIntoAnUnwritablePlaceThrows() {
    let directory = makeTemporaryDirectory()
    defer { removeTree(directory) }
    writeBytes(Array("not a directory".utf8), to: directory + "/file")
    let store = HistoryStore(path: directory + "/file/ormlab/history")
    #expect(throws: HistoryError.self) { try store.save(["x"]) }
}

@Test func missingFileLoadsNothing() {
    #expect(HistoryStore(path: "/nonexistent/ormlab/history").load() == [])
}

@Test func corruptFileSkipsBadLines() {
    let directory = makeTemporaryDirectory()
    defer { removeTree(directory) }
    let path = directory + "/history"
    var bytes = Array("Author.all\n".utf8)
    bytes += [0xFF, 0xFE, 0x41, 0x0A]                  // invalid UTF-8
    bytes += Array("\n\nBook.all\r\ntrailing\\".utf8)   // blank lines, CRLF, dangling backslash, no newline
    bytes += [0x0A, 0xC3]                              // truncated multi-byte sequence
    writeBytes(bytes, to: path)
    #expect(HistoryStore(path: path).load() == ["Author.all", "Book.all", "trailing\\"])
}

// MARK: - Escaping

@Test(arguments: ["", "plain", "a\nb", "back\\slash", "\\n literally", "\\", "\n\n", "cr\r\nlf", "é 日本 \u{1F600}"])
func escapingRoundTrips(_ entry: String) {
    let escaped = HistoryStore.escape(entry)
    #expect(!escaped.contains("\n"))
    #expect(!escaped.contains("\r"))
    #expect(HistoryStore.unescape(escaped) == entry)
}

@Test func escapedForm() {
    #expect(HistoryStore.escape("a\nb\\c") == #"a\nb\\c"#)
    #expect(HistoryStore.unescape(#"x\ty\"#) == #"x\ty\"#)
}

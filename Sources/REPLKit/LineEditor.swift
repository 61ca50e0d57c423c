// The interactive line editor: libedit's native API (el_gets, history) with emacs bindings,
// a coloured prompt, multi-line entries, Ctrl-R search, Ctrl-C and Tab completion.
// This is the only file of REPLKit that touches the terminal.

import CEditLine

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one call to `LineEditor.read()` produced.
public enum LineInput: Equatable, Sendable {
    /// A complete entry; several physical lines are joined with "\n".
    case line(String)
    /// Ctrl-C while typing: the entry was discarded and a fresh prompt will follow.
    case interrupted
    /// Ctrl-D at an empty prompt.
    case endOfFile
}

// MARK: - Signal state (touched from the SIGINT handler)

/// Set to 1 by the SIGINT handler; read and cleared by `LineEditor.read()`.
nonisolated(unsafe) private var interruptReceived: sig_atomic_t = 0
/// 1 while libedit is reading a line: then Ctrl-C edits, otherwise it interrupts the work.
nonisolated(unsafe) private var isReadingLine: sig_atomic_t = 0

private func handleInterruptSignal(_ signal: Int32) {
    interruptReceived = 1
    if isReadingLine == 0 {
        LineEditor.onInterrupt?()
    }
}

// MARK: - Callbacks from libedit

/// Finds the Swift editor stored in the EditLine's client data.
private func editor(of editLine: OpaquePointer?) -> LineEditor? {
    guard let editLine, let data = ormlab_el_get_client_data(editLine) else { return nil }
    return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue()
}

private func promptCallback(_ editLine: OpaquePointer?) -> UnsafeMutablePointer<CChar>? {
    editor(of: editLine)?.currentPrompt
}

/// Ctrl-C while a line is edited: a key (the terminal's isig is off while editing), so libedit
/// does not restart its read. The line ends here and `read()` reports `.interrupted`.
private func interruptKeyCallback(_ editLine: OpaquePointer?, _ key: Int32) -> UInt8 {
    interruptReceived = 1
    return UInt8(CC_NEWLINE)
}

private func completeCallback(_ editLine: OpaquePointer?, _ key: Int32) -> UInt8 {
    guard let editor = editor(of: editLine) else { return UInt8(CC_ERROR) }
    return editor.completeAtCursor()
}

// MARK: - LineEditor

/// An interactive line editor over libedit: history, emacs keys, Ctrl-R, Tab completion.
///
/// Create one per interactive session, only when standard input is a terminal.
public final class LineEditor {
    /// Called from the SIGINT handler when Ctrl-C arrives while no line is being read (a statement
    /// is running): the executable sets it to the workbench's `interrupt()`. Keep it short and
    /// signal-safe.
    nonisolated(unsafe) public static var onInterrupt: (() -> Void)?

    /// The primary prompt text, without colour.
    public static let promptText = "ormlab> "
    /// The prompt of the second and following lines of one entry, as wide as `promptText`.
    public static let continuationPromptText = "   ...> "

    private let editLine: OpaquePointer
    private let history: OpaquePointer
    private let completer: (CompletionRequest) -> CompletionResult
    private let needsContinuation: (String) -> Bool
    private let color: Bool

    private let primaryPrompt: UnsafeMutablePointer<CChar>
    private let continuationPrompt: UnsafeMutablePointer<CChar>
    private var previousInterruptAction = sigaction()

    /// The physical lines of the entry being typed, before the current one.
    private var pendingLines: [String] = []
    /// The history as plain strings, oldest first (what `saveHistory` writes).
    public private(set) var historyEntries: [String] = []
    /// How many entries the history keeps.
    public let historyLimit: Int

    /// The prompt libedit should draw now.
    fileprivate var currentPrompt: UnsafeMutablePointer<CChar> {
        pendingLines.isEmpty ? primaryPrompt : continuationPrompt
    }

    /// - Parameters:
    ///   - programName: used by libedit to pick `~/.editrc` sections.
    ///   - color: colour the prompt.
    ///   - completer: computes Tab completion for the text typed so far.
    ///   - needsContinuation: true when the text typed so far is an unfinished entry
    ///     (an open `{` or `(`), so another line should be read.
    public init(programName: String = "ormlab",
                color: Bool,
                historyLimit: Int = HistoryStore.defaultLimit,
                completer: @escaping (CompletionRequest) -> CompletionResult,
                needsContinuation: @escaping (String) -> Bool) {
        LineEditor.prepareLocale()
        self.color = color
        self.completer = completer
        self.needsContinuation = needsContinuation
        self.historyLimit = max(1, historyLimit)
        primaryPrompt = strdup(LineEditor.prompt(LineEditor.promptText, ansi: "1;32", color: color))!
        continuationPrompt = strdup(LineEditor.prompt(LineEditor.continuationPromptText, ansi: "2;32", color: color))!

        // Touch the signal state once so the handler never runs a lazy initializer.
        interruptReceived = 0
        isReadingLine = 0
        _ = ormlab_install_signal_handler(SIGINT, { handleInterruptSignal($0) }, &previousInterruptAction)
        _ = ormlab_unblock_signal(SIGINT)

        editLine = el_init(programName, stdin, stdout, stderr)
        history = history_init()
        _ = ormlab_history_set_size(history, Int32(clamping: self.historyLimit))
        _ = ormlab_history_set_unique(history, 1)

        _ = ormlab_el_set_client_data(editLine, Unmanaged.passUnretained(self).toOpaque())
        _ = ormlab_el_set_editor(editLine, "emacs")
        _ = ormlab_el_set_signal(editLine, 1)
        _ = ormlab_el_set_prompt(editLine, { promptCallback($0) }, 1)
        _ = ormlab_el_set_history(editLine, history)
        _ = ormlab_el_add_function(editLine, "ormlab-complete", "Complete the word at the cursor",
                                   { completeCallback($0, $1) })
        _ = ormlab_el_bind(editLine, "^I", "ormlab-complete")
        _ = ormlab_el_bind(editLine, "^R", "em-inc-search-prev")
        _ = ormlab_el_bind(editLine, "^W", "ed-delete-prev-word")
        // Ctrl-C while editing is a key that abandons the line (as in bash); while a command
        // runs the terminal is in its normal mode and Ctrl-C is SIGINT (which interrupts the running statement).
        _ = ormlab_el_setty(editLine, "-d", "-isig")
        _ = ormlab_el_add_function(editLine, "ormlab-interrupt", "Abandon the line being typed",
                                   { interruptKeyCallback($0, $1) })
        _ = ormlab_el_bind(editLine, "^C", "ormlab-interrupt")
        // The learner's own ~/.editrc may refine the bindings.
        _ = el_source(editLine, nil)
    }

    deinit {
        el_end(editLine)
        history_end(history)
        _ = ormlab_restore_signal_handler(SIGINT, &previousInterruptAction)
        free(primaryPrompt)
        free(continuationPrompt)
    }

    // MARK: Reading

    /// Reads one entry: several physical lines while `needsContinuation` says the entry is
    /// unfinished. Ctrl-C discards the entry (`.interrupted`); Ctrl-D at an empty primary prompt
    /// ends the session (`.endOfFile`); Ctrl-D on a continuation line submits what was typed.
    public func read() -> LineInput {
        pendingLines = []
        defer { pendingLines = [] }
        while true {
            interruptReceived = 0
            isReadingLine = 1
            var count: Int32 = 0
            errno = 0
            let raw = el_gets(editLine, &count)
            let readError = errno
            isReadingLine = 0

            if interruptReceived != 0 || (raw == nil && readError == EINTR) {
                interruptReceived = 0
                // The abandoned text stays visible on its line (as in bash); the next prompt
                // starts below it.
                writeOutput("\n")
                return .interrupted
            }
            guard let raw, count > 0 else {
                if pendingLines.isEmpty {
                    writeOutput("\n")
                    return .endOfFile
                }
                writeOutput("\n")
                return .line(pendingLines.joined(separator: "\n"))
            }
            var line = String(decoding: UnsafeRawBufferPointer(start: raw, count: Int(count)), as: UTF8.self)
            if line.hasSuffix("\n") { line.removeLast() }
            pendingLines.append(line)
            let entry = pendingLines.joined(separator: "\n")
            if needsContinuation(entry) { continue }
            return .line(entry)
        }
    }

    // MARK: History

    /// Adds a whole entry (several lines stay ONE entry) unless it is blank or repeats the last one.
    public func addHistory(_ entry: String) {
        guard !entry.allSatisfy(\.isWhitespace) else { return }
        if historyEntries.last == entry { return }
        historyEntries.append(entry)
        if historyEntries.count > historyLimit {
            historyEntries.removeFirst(historyEntries.count - historyLimit)
        }
        _ = ormlab_history_enter(history, entry)
    }

    /// Replaces the history with the entries of `store`.
    public func loadHistory(from store: HistoryStore) {
        historyEntries = []
        _ = ormlab_history_clear(history)
        for entry in store.load() { addHistory(entry) }
    }

    /// Writes the history to `store`.
    public func saveHistory(to store: HistoryStore) throws {
        try store.save(historyEntries)
    }

    // MARK: Terminal

    /// The width of the terminal on standard output, read anew on each call so resizing is
    /// followed: TIOCGWINSZ, then `$COLUMNS`, then 80.
    public static func terminalWidth() -> Int {
        let columns = Int(ormlab_terminal_columns(STDOUT_FILENO))
        if columns > 0 { return columns }
        if let text = getenv("COLUMNS").map({ String(cString: $0) }), let value = Int(text), value > 0 {
            return value
        }
        return 80
    }

    /// Sets a UTF-8 locale so libedit edits multi-byte characters: the user's locale when it is
    /// UTF-8, otherwise C.UTF-8. Numbers keep the "C" format whatever the user's locale.
    public static func prepareLocale() {
        _ = setlocale(LC_ALL, "")
        if !isUTF8Codeset() {
            for name in ["C.UTF-8", "C.utf8", "en_US.UTF-8"] {
                if setlocale(LC_CTYPE, name) != nil, isUTF8Codeset() { break }
            }
        }
        _ = setlocale(LC_NUMERIC, "C")
    }

    private static func isUTF8Codeset() -> Bool {
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: codeset).lowercased()
        return name == "utf-8" || name == "utf8"
    }

    /// The prompt as libedit wants it: colour escapes between \u{1} markers (not counted in width).
    static func prompt(_ text: String, ansi: String, color: Bool) -> String {
        guard color else { return text }
        let visible = text.trimmingTrailingSpaces()
        let spaces = String(repeating: " ", count: text.count - visible.count)
        return "\u{1}\u{1B}[\(ansi)m\u{1}\(visible)\u{1}\u{1B}[0m\u{1}\(spaces)"
    }

    private func writeOutput(_ text: String) {
        fputs(text, stdout)
        fflush(stdout)
    }

    // MARK: Completion

    /// Runs the completer on the entry typed so far and applies its result (called on Tab).
    fileprivate func completeAtCursor() -> UInt8 {
        guard let info = el_wline(editLine)?.pointee, let start = info.buffer else { return UInt8(CC_ERROR) }
        let cursorOffset = info.cursor.map { $0 - start } ?? 0
        let endOffset = info.lastchar.map { $0 - start } ?? cursorOffset
        var before = String.UnicodeScalarView()
        var after = String.UnicodeScalarView()
        if endOffset > 0 {
            for index in 0..<endOffset {
                guard let scalar = Unicode.Scalar(UInt32(bitPattern: Int32(start[index]))) else { continue }
                if index < cursorOffset { before.append(scalar) } else { after.append(scalar) }
            }
        }
        let earlier = pendingLines.isEmpty ? "" : pendingLines.joined(separator: "\n") + "\n"
        let textBeforeCursor = earlier + String(before)
        let request = CompletionRequest(line: textBeforeCursor + String(after), cursor: textBeforeCursor.count)
        let result = completer(request)

        if !result.insertion.isEmpty {
            _ = el_insertstr(editLine, result.insertion)
            return UInt8(CC_REFRESH)
        }
        if result.candidates.count > 1 {
            writeOutput("\n" + CandidateColumns.layout(result.candidates, width: LineEditor.terminalWidth()))
            return UInt8(CC_REDISPLAY)
        }
        return UInt8(result.candidates.isEmpty ? CC_REFRESH_BEEP : CC_NORM)
    }
}

// MARK: - Candidate columns

/// Lays out completion candidates in columns, sorted down the columns like bash.
public enum CandidateColumns {
    /// The candidates as lines of text (each ending in "\n") for a terminal `width` columns wide.
    public static func layout(_ candidates: [String], width: Int, maximum: Int = 200) -> String {
        let shown = Array(candidates.prefix(maximum))
        guard !shown.isEmpty else { return "" }
        let cellWidth = (shown.map(displayWidth).max() ?? 0) + 2
        let columns = max(1, min(shown.count, max(width, 1) / max(cellWidth, 1)))
        let rows = (shown.count + columns - 1) / columns
        var out = ""
        for row in 0..<rows {
            var line = ""
            for column in 0..<columns {
                let index = column * rows + row
                guard index < shown.count else { break }
                let candidate = shown[index]
                line += candidate
                let isLast = column == columns - 1 || (column + 1) * rows + row >= shown.count
                if !isLast { line += String(repeating: " ", count: cellWidth - displayWidth(candidate)) }
            }
            out += line + "\n"
        }
        if candidates.count > shown.count {
            out += "… and \(candidates.count - shown.count) more\n"
        }
        return out
    }

    /// Terminal columns taken by `text` (wide CJK characters take two).
    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { total, scalar in
            let width = ormlab_character_width(wchar_t(bitPattern: scalar.value))
            return total + (width < 0 ? 1 : Int(width))
        }
    }
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}

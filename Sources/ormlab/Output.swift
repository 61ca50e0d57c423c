import Foundation
import Render
import Report
import Workbench
#if canImport(Glibc)
import Glibc
#endif

/// Chooses the renderer: JSON Lines, panes for a terminal, plain text for pipes.
struct Output {
    var format: OutputFormat
    var isTerminal: Bool
    var color: Bool
    /// Forced pane width (--width); nil follows the terminal.
    var width: Int?
    /// `--format html`: the reports, kept until the run ends and printed as one page.
    let page = PageReports()

    final class PageReports {
        var reports: [Report] = []
    }

    init(_ options: OutputOptions) {
        format = options.format
        width = options.width
        isTerminal = isatty(STDOUT_FILENO) == 1
        color = format == .text && ColorPolicy.shouldColor(isTerminal: isTerminal, environment: ProcessInfo.processInfo.environment,
                                                           noColorFlag: options.noColor)
    }

    /// Panes when writing to a terminal or when a width is forced; plain text otherwise.
    var usesPanes: Bool { isTerminal || width != nil }

    func render(_ report: Report) -> String {
        switch format {
        case .json: return JSONRenderer.render(report)
        case .html: return PlainRenderer.render(report)
        case .text:
            if usesPanes {
                // On a terminal a report fits its height, less two lines: the command typed above
                // it and the next prompt. A forced width (a pipe) keeps every line.
                let height = isTerminal && width == nil ? terminalRows().map { $0 - 2 } : nil
                return TerminalRenderer.render(report, options: RenderOptions(width: width ?? terminalColumns(), color: color, height: height))
            }
            return PlainRenderer.render(report)
        }
    }

    /// Prints a report; in a pipe each report is introduced by its command (`» Author.all`)
    /// unless `echo` is false (output of a subcommand rather than of typed commands).
    func print(_ report: Report, echo: Bool = true) {
        if format == .html {
            page.reports.append(report)
            return
        }
        var text = render(report)
        if echo && format == .text && !isTerminal { text = "» " + printable(report.input).replacingOccurrences(of: "\n", with: "\n  ") + "\n" + text }
        Swift.print(text)
        if format == .text && !isTerminal { Swift.print("") }
        fflush(stdout)
    }
}

extension Output {
    /// With `--format html`, prints the page of every report printed so far; otherwise nothing.
    func finishPage(title: String, diagram: ERDiagram?) {
        guard format == .html else { return }
        Swift.print(SessionPage.html(page.reports, diagram: diagram, title: title), terminator: "")
        fflush(stdout)
        page.reports = []
    }
}

/// The echoed input with control characters other than tab, CR and LF (an ESC in a script,
/// say) replaced by "�", so a script cannot drive the terminal.
func printable(_ input: String) -> String {
    func isControl(_ v: UInt32) -> Bool { (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || (0x7F...0x9F).contains(v) }
    guard input.unicodeScalars.contains(where: { isControl($0.value) }) else { return input }
    var out = String.UnicodeScalarView()
    for scalar in input.unicodeScalars { out.append(isControl(scalar.value) ? "\u{FFFD}" : scalar) }
    return String(out)
}

/// Lines of the terminal on stdout, when it says.
func terminalRows() -> Int? {
    var size = winsize()
    if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 { return Int(size.ws_row) }
    return nil
}

/// Columns of the terminal on stdout, read on every render so resizing is picked up.
func terminalColumns() -> Int {
    var size = winsize()
    if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    if let columns = ProcessInfo.processInfo.environment["COLUMNS"], let n = Int(columns), n > 0 { return n }
    return 80
}

func readTextFile(_ path: String) -> String? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    return String(decoding: data, as: UTF8.self)
}

/// All of standard input; invalid UTF-8 becomes U+FFFD instead of failing.
func readAllStandardInput() -> String {
    let data = FileHandle.standardInput.readDataToEndOfFile()
    return String(decoding: data, as: UTF8.self)
}

func describe(_ error: Error) -> String {
    failureMessage(error)
}

/// Writes to a C stream without buffering surprises.
struct FileHandleStream {
    let handle: UnsafeMutablePointer<FILE>
    static let standardError = FileHandleStream(handle: stderr)
    func write(_ text: String) {
        fputs(text, handle)
        fflush(handle)
    }
}

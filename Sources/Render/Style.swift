// Colour: ANSI SGR codes, used only when the caller asked for colour, and the policy that decides
// whether it should.

/// Whether output should be coloured, following the usual conventions (https://no-color.org).
public enum ColorPolicy {
    /// Colour only on a terminal, not with `--no-color`, not when `NO_COLOR` is set and non-empty,
    /// not when `TERM` is `dumb`.
    public static func shouldColor(isTerminal: Bool, environment: [String: String], noColorFlag: Bool) -> Bool {
        if noColorFlag { return false }
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return isTerminal
    }
}

/// The few text styles the renderers use, as ANSI SGR parameters.
enum Style: String {
    case bold = "1"
    case dim = "2"
    case red = "31"
    case green = "32"
    case yellow = "33"
    case blue = "34"
    case magenta = "35"
    case cyan = "36"
    case boldRed = "1;31"
    case boldBlue = "1;34"
    case boldYellow = "1;33"
}

/// `text` wrapped in the SGR codes of `style` when `color` is on; `text` unchanged otherwise.
func paint(_ text: String, _ style: Style?, color: Bool) -> String {
    guard color, let style, !text.isEmpty else { return text }
    return "\u{1B}[\(style.rawValue)m\(text)\(ansiReset)"
}

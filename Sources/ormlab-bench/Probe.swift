import DSL
import Foundation

/// `--probe-parse`: times lexing and parsing of the script workload alone (for profiling).
func probeParse() {
    let script = insertScript((1...scriptInserts).map(PersonValues.init))
    let file = SourceFile(name: "bench.orm", text: script)
    for _ in 0..<3 {
        var tokens = 0
        let lex = timed { tokens = Lexer.tokenize(file).count }
        var commands = 0
        let parse = timed { commands = Parser.parse(file).items.count }
        print(String(format: "lex %.1f ms (%d tokens)  parse %.1f ms (%d commands)", lex, tokens, parse, commands))
    }
}

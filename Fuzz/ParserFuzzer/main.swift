// libFuzzer target for the DSL's lexer and parser: any bytes in, never a crash or a hang out.
//
// Built only by scripts/fuzz.sh (ORMLAB_FUZZ=1 adds this target to Package.swift), with
// `-sanitize=fuzzer`; the top-level code at the end hands control to libFuzzer's driver.
import CLibFuzzer
import Foundation
import DSL

/// The fuzzing entry point: decodes the bytes as the REPL would, parses them, asks the REPL's
/// continuation question, and renders every diagnostic against its source.
func parserFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: data == nil ? 0 : size), as: UTF8.self)
    let file = SourceFile(name: "<fuzz>", text: text)
    _ = Parser.needsContinuation(text)
    let result = Parser.parse(file)
    for item in result.items {
        switch item {
        case .failure(let diagnostic, let range):
            _ = diagnostic.rendered(in: file)
            _ = file.slice(range)
        case .command(let command):
            _ = file.slice(command.range)
            // `:explain QUERY` parses the argument range again, as the workbench does.
            if case .workbench(_, let argument, _, let argumentRange) = command, !argument.isEmpty {
                for diagnostic in Parser.parse(file, range: argumentRange).diagnostics {
                    _ = diagnostic.rendered(in: file)
                }
            }
        }
    }
    return 0
}

// MARK: - Entry point

/// libFuzzer's standard entry point (its own `main` refers to it).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    parserFuzzerTestOneInput(data, size)
}

var arguments = CommandLine.argc
var argumentValues: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&arguments, &argumentValues) { data, size in parserFuzzerTestOneInput(data, size) })

import DSL
import Report

extension Workbench {
    func compare(_ argument: String, range: SourceRange, into report: inout Report) throws {}
}

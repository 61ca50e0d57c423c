import Testing
@testable import REPLKit

@Test func candidatesAreLaidOutDownTheColumns() {
    let words = ["after", "all", "avg", "batches", "count", "first", "group"]
    // Cells are 9 wide ("batches" + 2): 30 columns hold 3 of them.
    #expect(CandidateColumns.layout(words, width: 30) == """
        after    batches  group
        all      count
        avg      first

        """)
}

@Test func narrowTerminalGivesOneColumn() {
    #expect(CandidateColumns.layout(["name", "email"], width: 3) == "name\nemail\n")
    #expect(CandidateColumns.layout([], width: 80) == "")
}

@Test func longListsAreCut() {
    #expect(CandidateColumns.layout(["a", "b", "c"], width: 80, maximum: 2) == "a  b\n… and 1 more\n")
}

@Test func promptMarksItsEscapesAsInvisible() {
    #expect(LineEditor.prompt("ormlab> ", ansi: "1;32", color: true) == "\u{1}\u{1B}[1;32m\u{1}ormlab>\u{1}\u{1B}[0m\u{1} ")
    #expect(LineEditor.prompt("   ...> ", ansi: "2;32", color: false) == "   ...> ")
}

import Report
import Workbench

/// Reports produced by the workbench itself: each fixture is the report of the last command of a
/// small script run on a fresh in-memory workbench, exactly as the REPL would render it. Only the
/// statement times are set by hand (they differ between runs), as the golden transcripts do.
enum Fixtures {
    /// The report of `command` after `setup` ran; each statement's time set to `ms` (in order, the
    /// last value repeated).
    static func produced(_ setup: String, then command: String, ms: [Double] = [0.01]) -> Report {
        let workbench: Workbench
        do { workbench = try Workbench() } catch { preconditionFailure("an in-memory workbench opens: \(error)") }
        for report in workbench.run(setup) where !report.ok {
            preconditionFailure("fixture setup failed at \(report.input): \(report.diagnostics.map(\.message))")
        }
        guard var report = workbench.run(command).last else {
            preconditionFailure("no report for \(command)")
        }
        report.sql = StatementRecords(report.sql.enumerated().map { index, record in
            var fixed = record
            fixed.ms = ms[min(index, ms.count - 1)]
            return fixed
        })
        return report
    }

    /// Authors with books; the second author's name is wide (CJK and an emoji with a skin tone).
    static let authorsAndBooks = """
        entity Author { name: String; born: Int?; books: [Book]; index(name) }
        entity Book { title: String; author: Author }
        insert Author(name: "Ursula K. Le Guin", born: 1929)
        insert Author(name: "Murakami", born: 1949)
        insert Book(title: "Norwegian Wood", author: Author#2)
        insert Book(title: "Kafka on the Shore", author: Author#2)
        save
        :forget
        """

    /// A query with two parameters returning two authors: Author#2 was loaded earlier with its
    /// books (so it comes from the identity map) and renamed without saving (dirty, autoflush off).
    static let query = produced(authorsAndBooks + """

        :set autoflush off
        Author#2.books
        Author#2.name = "村上春樹 👍🏽"
        """, then: #"Author.where(born < 1950 and name like "%u%")"#, ms: [0.0423])

    /// `entity Author { … }`: mapping and DDL, no objects.
    static let ddl = produced("", then: "entity Author { name: String; born: Int?; index(name) }", ms: [0.31, 0.1])

    /// An entity whose association names one not defined yet: it waits.
    static let waiting = produced("", then: "entity Author { name: String; books: [Book] }")

    /// A typo: one error diagnostic, nothing ran.
    static let diagnostic = produced("entity Author { name: String }", then: #"Author.where(nmae == "x")"#)

    /// A loop touching each author's lazy books: 1 + 3 statements and the N+1 note.
    static let nPlusOne = produced("""
        entity Author { name: String; books: [Book] }
        entity Book { title: String; author: Author }
        insert Author(name: "Le Guin")
        insert Author(name: "Butler")
        insert Author(name: "Jemisin")
        insert Book(title: "The Dispossessed", author: Author#1)
        insert Book(title: "Kindred", author: Author#2)
        insert Book(title: "The Fifth Season", author: Author#3)
        save
        :forget
        """, then: "for a in Author.all.order(name) { a.books.count }", ms: [0.05, 0.02])

    /// An expression with a value: a lazy load, then its count.
    static let value = produced("""
        entity Author { name: String; books: [Book] }
        entity Book { title: String; author: Author }
        insert Author(name: "Le Guin")
        insert Book(title: "The Dispossessed", author: Author#1)
        save
        :forget
        """, then: "Author#1.books.count")

    /// `:help` on one topic: text blocks only.
    static let help = produced("", then: ":help identity")

    /// `:sql SELECT …`: a table of rows, one of them wide and one with a NULL.
    static let table = produced("""
        entity Author { name: String; born: Int? }
        insert Author(name: "Ursula K. Le Guin", born: 1929)
        insert Author(name: "村上春樹", born: 1949)
        insert Author(name: "Butler", born: 1947)
        insert Author(name: "Jemisin", born: 1972)
        insert Author(name: "Leckie", born: 1966)
        insert Author(name: "Chiang", born: 1967)
        insert Author(name: "Wells", born: 1964)
        insert Author(name: "Liu", born: 1963)
        insert Author(name: "Okorafor", born: 1974)
        insert Author(name: "Octavia")
        save
        """, then: ":sql SELECT id, name, born FROM author WHERE id IN (1, 2, 10)")

    /// A self-reference with a long property name (as the Chinook fixture infers): three panes,
    /// the mapping's name column 20 wide.
    static let longNames = produced("""
        entity Employee { name: String; reportsTo: Employee?; employeesAsReportsTo: [Employee] via reportsTo }
        insert Employee(name: "Adams")
        save
        :forget
        """, then: "Employee.all")

    /// An object with long property names and long values, renamed without saving (dirty, a
    /// "(was …)" marker) and read again from the identity map: three panes at 110 columns.
    static let longValues = produced("""
        entity Employee { lastName: String; email: String?; hireDate: String?; badge: String?; reportsTo: Employee?; employeesAsReportsTo: [Employee] via reportsTo }
        insert Employee(lastName: "Adams", email: "andrew.adams@chinookcorp.com", hireDate: "2002-08-14 00:00:00", badge: "EMP0001ADAMSGENERALMANAGER2002")
        save
        :forget
        :set autoflush off
        Employee#1
        Employee#1.lastName = "Adamson"
        """, then: "Employee.where(lastName == \"Adams\").all")

    /// Objects whose names make a wide column but whose values are short: each `name = value`
    /// fits on one line aligned even in a narrow pane.
    static let shortValues = produced("""
        entity Invoice { customerId: Int; invoiceDate: String; total: Int }
        insert Invoice(customerId: 1, invoiceDate: "2024-01-01", total: 10)
        save
        :forget
        """, then: "Invoice.all")
}

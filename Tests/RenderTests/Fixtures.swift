import Report

/// Reports built by hand, the way the workbench would produce them.
enum Fixtures {
    static let authorMapping = EntityFacts(
        entity: "Author", table: "author",
        columns: [
            ColumnFacts(property: "id", column: "id", sqlType: "INTEGER", constraints: ["PRIMARY KEY"]),
            ColumnFacts(property: "name", column: "name", sqlType: "TEXT", constraints: ["NOT NULL"]),
            ColumnFacts(property: "born", column: "born", sqlType: "INTEGER", constraints: []),
        ],
        associations: [
            AssociationFacts(name: "books", kind: "has-many", target: "Book", storage: "book.author_id → author.id",
                             details: ["inverse of Book.author"]),
        ],
        indexes: ["author_name ON author(name)"])

    /// `Author.where(born < 1950 and name like "U%")`: one statement with two parameters, two objects.
    static let query = Report(
        input: "Author.where(born < 1950 and name like \"U%\")",
        mapping: [authorMapping],
        sql: [StatementRecord(
            sql: "SELECT \"author\".* FROM \"author\" WHERE \"author\".\"born\" < ? AND \"author\".\"name\" LIKE ?",
            params: [.integer(1950), .text("U%")], rows: 2, ms: 0.0423,
            cause: "Author.where(born < 1950 and name like \"U%\")")],
        objects: [
            ObjectSnapshot(ref: "Author#1", entity: "Author", state: .clean,
                           values: [NamedValue("name", .text("Ursula K. Le Guin")), NamedValue("born", .integer(1929))],
                           associations: [AssociationSnapshot(name: "books", loaded: nil, isToMany: true)]),
            ObjectSnapshot(ref: "Author#2", entity: "Author", state: .dirty,
                           values: [NamedValue("name", .text("村上春樹 👍🏽")), NamedValue("born", .integer(1949))],
                           associations: [AssociationSnapshot(name: "books", loaded: ["Book#3", "Book#4"], isToMany: true)],
                           fromIdentityMap: true,
                           changes: [NamedValue("name", .text("Murakami"))]),
        ])

    /// `entity Author { … }`: mapping and DDL, no objects.
    static let ddl = Report(
        input: "entity Author { name: String; born: Int?; books: [Book]; index(name) }",
        mapping: [EntityFacts(entity: "Author", table: "author", columns: authorMapping.columns,
                              associations: [AssociationFacts(name: "books", kind: "has-many", target: "Book",
                                                              storage: "book.author_id → author.id", details: ["pending"])],
                              indexes: ["author_name ON author(name)"], status: "waiting for Book")],
        sql: [
            StatementRecord(sql: "CREATE TABLE \"author\" (\n  \"id\" INTEGER PRIMARY KEY,\n  \"name\" TEXT NOT NULL,\n  \"born\" INTEGER\n)",
                            rows: 0, ms: 0.31, cause: "entity Author"),
            StatementRecord(sql: "CREATE INDEX \"author_name\" ON \"author\"(\"name\")", rows: 0, ms: 0.1, cause: "entity Author"),
        ])

    /// A typo: one error diagnostic, nothing ran.
    static let diagnostic = Report(
        input: "Author.where(nmae == \"x\")", ok: false,
        diagnostics: [DiagnosticRecord(
            severity: "error", message: "unknown property 'nmae' on Author", line: 1, column: 14,
            hint: "did you mean 'name'?",
            rendered: "error: unknown property 'nmae' on Author\n --> 1:14\n  |\n1 | Author.where(nmae == \"x\")\n  |              ^^^^\n  = hint: did you mean 'name'?")])

    /// `for a in Author.all { a.books.count }` over three authors: 1 + 3 statements and a warning.
    static let nPlusOne: Report = {
        var sql = [StatementRecord(sql: "SELECT \"author\".* FROM \"author\"", rows: 3, ms: 0.05, cause: "Author.all",
                                   counters: StatementCounters(vmSteps: 40, fullScanSteps: 1000, sorts: 1))]
        for id in 1...3 {
            sql.append(StatementRecord(sql: "SELECT \"book\".* FROM \"book\" WHERE \"book\".\"author_id\" = ?",
                                       params: [.integer(Int64(id))], rows: 1, ms: 0.02, cause: "Author#\(id).books"))
        }
        return Report(
            input: "for a in Author.all { a.books.count }", sql: sql,
            value: .integer(3),
            notes: [Note(.nPlusOne, "N+1: the loop over Author.all ran the same SELECT on book 3 times, once per author. Load the books up front with Author.include(books)."),
                    Note(.lesson, "Lazy loading runs a query the first time an association is touched.")])
    }()

    /// `:help`: text only.
    static let help = Report(
        input: ":help",
        blocks: [.text(title: "ORMLab help", body: "Type a DSL statement to see its mapping, SQL and objects.\n  :schema    the mapping and the DDL\n  :quit      leave"),
                 .code(title: "Example", lines: ["insert Author(name: \"Ursula\", email: \"u@example.org\")", "Author.all"])])

    /// `:sql SELECT …`: a table of rows.
    static let table = Report(
        input: ":sql SELECT id, name, born FROM author",
        sql: [StatementRecord(sql: "SELECT id, name, born FROM author", rows: 3, ms: 0.012, cause: ":sql")],
        blocks: [.table(title: nil, header: ["id", "name", "born"],
                        rows: [["1", "Ursula K. Le Guin", "1929"], ["2", "村上春樹", "1949"], ["10", "Octavia", "nil"]])])
}

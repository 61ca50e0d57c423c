import Report
import Testing
@testable import Workbench

// Issue 3: relationships. DDL of each association kind, navigation SQL, writes through
// associations, and errors in ORM terms.

let everyKindModel = """
entity Author { name: String; books: [Book]; profile: Profile? }
entity Book { title: String; year: Int; author: Author on delete cascade; tags: [Tag] }
entity Tag { name: String unique; books: [Book] }
entity Profile { bio: String; author: Author unique on delete cascade }
entity Employee { name: String; manager: Employee? on delete set null; reports: [Employee] via manager }
"""

@Suite struct AssociationMappingTests {
    @Test func everyKindCreatesItsTables() throws {
        let reports = try runScript(everyKindModel)
        for r in reports { expectOK(r) }
        let ddl = reports.flatMap(sqlTexts)
        #expect(ddl == [
            #"CREATE TABLE "author" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL)"#,
            #"CREATE TABLE "book" ("id" INTEGER PRIMARY KEY, "title" TEXT NOT NULL, "year" INTEGER NOT NULL, "author_id" INTEGER NOT NULL REFERENCES "author"("id") ON DELETE CASCADE)"#,
            #"CREATE TABLE "tag" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL UNIQUE)"#,
            #"CREATE TABLE "profile" ("id" INTEGER PRIMARY KEY, "bio" TEXT NOT NULL, "author_id" INTEGER NOT NULL UNIQUE REFERENCES "author"("id") ON DELETE CASCADE)"#,
            #"CREATE TABLE "book_tag" ("book_id" INTEGER NOT NULL REFERENCES "book"("id") ON DELETE CASCADE, "tag_id" INTEGER NOT NULL REFERENCES "tag"("id") ON DELETE CASCADE, PRIMARY KEY ("book_id", "tag_id"))"#,
            #"CREATE TABLE "employee" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL, "manager_id" INTEGER REFERENCES "employee"("id") ON DELETE SET NULL)"#,
        ])
    }

    @Test func theMappingPaneNamesEachKind() throws {
        let wb = try Workbench()
        _ = wb.run(everyKindModel)
        let r = try #require(wb.run(":mapping").first)
        let kinds = r.mapping.flatMap { e in e.associations.map { "\(e.entity).\($0.name): \($0.kind) \($0.target) [\($0.storage)]" } }
        #expect(kinds == [
            "Author.books: has-many Book [book.author_id → author.id]",
            "Author.profile: has-one Profile [profile.author_id → author.id (unique)]",
            "Book.author: belongs-to Author [book.author_id → author.id]",
            "Book.tags: many-to-many Tag [join table book_tag(book_id, tag_id)]",
            "Tag.books: many-to-many Book [join table book_tag(book_id, tag_id)]",
            "Profile.author: belongs-to Author [profile.author_id → author.id (unique)]",
            "Employee.manager: belongs-to Employee [employee.manager_id → employee.id]",
            "Employee.reports: has-many Employee [employee.manager_id → employee.id]",
        ])
    }

    @Test func ambiguousInverseOffersTheViaLine() throws {
        let reports = try runScript("""
        entity Person { name: String; books: [Book] }
        entity Book { title: String; author: Person; editor: Person? }
        """)
        let failed = try #require(reports.first { !$0.ok } ?? reports.last)
        let all = reports.flatMap(\.diagnostics)
        #expect(all.contains { $0.message.contains("ambiguous") && ($0.hint ?? "").contains("via author") }, "\(failed.diagnostics)")
    }
}

let everyKindData = everyKindModel + """

insert Author(name: "Le Guin")
insert Book(title: "The Dispossessed", year: 1974, author: Author#1)
insert Book(title: "Lathe of Heaven", year: 1971, author: Author#1)
insert Tag(name: "classic")
insert Profile(bio: "Wrote Earthsea", author: Author#1)
insert Employee(name: "Boss")
insert Employee(name: "Worker", manager: Employee#1)
Book#1.tags.add(Tag#1)
save
:forget
"""

@Suite struct NavigationTests {
    func data() throws -> Workbench {
        let wb = try Workbench()
        for r in wb.run(everyKindData) { expectOK(r) }
        return wb
    }

    @Test func hasManyBelongsToHasOneManyToManySelf() throws {
        let wb = try data()
        let cases: [(String, [String], [String])] = [
            ("Author#1.books", [#"SELECT "author".* FROM "author" WHERE "author"."id" = ?"#, #"SELECT "book".* FROM "book" WHERE "book"."author_id" = ?"#], ["Book#1", "Book#2"]),
            ("Author#1.profile", [#"SELECT "profile".* FROM "profile" WHERE "profile"."author_id" = ?"#], ["Profile#1"]),
            ("Book#1.tags", [#"SELECT "book_tag"."book_id", "tag".* FROM "tag" JOIN "book_tag" ON "book_tag"."tag_id" = "tag"."id" WHERE "book_tag"."book_id" = ?"#], ["Tag#1"]),
            // Tag#1 was loaded by Book#1.tags: the identity map hands it back without a query.
            ("Tag#1.books", [#"SELECT "book_tag"."tag_id", "book".* FROM "book" JOIN "book_tag" ON "book_tag"."book_id" = "book"."id" WHERE "book_tag"."tag_id" = ?"#], ["Book#1"]),
            ("Employee#2.manager", [#"SELECT "employee".* FROM "employee" WHERE "employee"."id" = ?"#, #"SELECT "employee".* FROM "employee" WHERE "employee"."id" = ?"#], ["Employee#1"]),
            ("Employee#1.reports", [#"SELECT "employee".* FROM "employee" WHERE "employee"."manager_id" = ?"#], ["Employee#2"]),
        ]
        for (input, sql, refs) in cases {
            let r = try #require(wb.run(input).first)
            expectOK(r)
            #expect(sqlTexts(r) == sql, "\(input)")
            #expect(r.objects.map(\.ref) == refs, "\(input)")
        }
        // Book#1 and Author#1 are both in the identity map: navigating needs no query at all.
        let author = try #require(wb.run("Book#1.author").first)
        #expect(sqlTexts(author) == [])
        #expect(author.objects.map(\.ref) == ["Author#1"])
    }

    @Test func toOnePathBecomesAJoinAndToManyAnExists() throws {
        let wb = try data()
        let join = try #require(wb.run(#"Book.where(author.name == "Le Guin").order(author.name)"#).first)
        #expect(sqlTexts(join) == [#"SELECT "book".* FROM "book" JOIN "author" ON "author"."id" = "book"."author_id" WHERE "author"."name" = ? ORDER BY "author"."name""#])
        let exists = try #require(wb.run("Author.where(books.any(year > 1972))").first)
        #expect(sqlTexts(exists) == [#"SELECT "author".* FROM "author" WHERE EXISTS (SELECT 1 FROM "book" WHERE "book"."author_id" = "author"."id" AND "book"."year" > ?)"#])
        #expect(exists.objects.map(\.ref) == ["Author#1"])
        let selfJoin = try #require(wb.run(#"Employee.where(manager.name == "Boss")"#).first)
        #expect(sqlTexts(selfJoin) == [#"SELECT "employee".* FROM "employee" JOIN "employee" AS "manager" ON "manager"."id" = "employee"."manager_id" WHERE "manager"."name" = ?"#])
        #expect(selfJoin.objects.map(\.ref) == ["Employee#2"])
        let m2m = try #require(wb.run(#"Book.where(tags.any(name == "classic"))"#).first)
        #expect(sqlTexts(m2m) == [#"SELECT "book".* FROM "book" WHERE EXISTS (SELECT 1 FROM "tag" JOIN "book_tag" ON "book_tag"."tag_id" = "tag"."id" WHERE "book_tag"."book_id" = "book"."id" AND "tag"."name" = ?)"#])
        let toMany = try #require(wb.run("Author.where(books.year > 1)").first)
        #expect(!toMany.ok)
        #expect(toMany.diagnostics[0].hint == "to filter on it, ask whether any matches: books.any(title == ...)")
    }
}

@Suite struct AssociationWriteTests {
    func data() throws -> Workbench {
        let wb = try Workbench()
        for r in wb.run(everyKindData) { expectOK(r) }
        return wb
    }

    @Test func insertWithAReferenceAndAssigningAToOne() throws {
        let wb = try data()
        // Load what the writes refer to first, so no lookup autoflushes the pending changes.
        _ = wb.run("""
        insert Author(name: "Butler")
        save
        Author#2
        Book#1
        """)
        let insert = try #require(wb.run(#"insert Book(title: "Kindred", year: 1979, author: Author#2)"#).first)
        expectOK(insert)
        let assign = try #require(wb.run("Book#1.author = Author#2").first)
        expectOK(assign)
        #expect(assign.objects[0].state == .dirty)
        let save = try #require(wb.run("save").first)
        #expect(dataSQL(save) == [
            #"INSERT INTO "book" ("title", "year", "author_id") VALUES (?, ?, ?)"#,
            #"UPDATE "book" SET "author_id" = ? WHERE "id" = ?"#,
        ])
    }

    @Test func addAndRemoveOnManyToManyWriteTheJoinTable() throws {
        let wb = try data()
        _ = wb.run("""
        insert Tag(name: "new")
        save
        Book#1
        Book#2
        Tag#1
        Tag#2
        """)
        let reports = wb.run("""
        Book#2.tags.add(Tag#2)
        Book#1.tags.remove(Tag#1)
        save
        """)
        for r in reports { expectOK(r) }
        #expect(dataSQL(reports[2]) == [
            #"INSERT INTO "book_tag" ("book_id", "tag_id") VALUES (?, ?)"#,
            #"DELETE FROM "book_tag" WHERE "book_id" = ? AND "tag_id" = ?"#,
        ])
        #expect(reports[2].sql.first { $0.sql.hasPrefix("INSERT") }?.params == [.integer(2), .integer(2)])
    }

    @Test func addOnHasManySetsTheForeignKey() throws {
        let wb = try data()
        _ = wb.run(#"insert Author(name: "Butler")"#)
        let add = try #require(wb.run("Author#2.books.add(Book#1)").first)
        expectOK(add)
        let save = try #require(wb.run("save").first)
        #expect(dataSQL(save) == [#"UPDATE "book" SET "author_id" = ? WHERE "id" = ?"#])
        let remove = try #require(wb.run("Author#2.books.remove(Book#1)").first)
        #expect(!remove.ok)
        #expect(remove.diagnostics[0].message == "cannot remove Book#1 from Author#2.books: Book.author is required")
    }

    @Test func cascadeAndSetNullOnDelete() throws {
        let wb = try data()
        let reports = wb.run("""
        Author#1.books
        delete Author#1
        save
        Book.count
        Profile.count
        delete Employee#1
        save
        Employee#2.manager
        """)
        for r in reports { expectOK(r) }
        #expect(dataSQL(reports[2]) == [#"DELETE FROM "author" WHERE "id" = ?"#])
        #expect(reports[2].notes.map(\.message).contains("on delete cascade: SQLite also deleted Book#1, Book#2 whose book.author_id pointed at Author#1"))
        #expect(reports[2].notes.map(\.message).contains("on delete cascade: SQLite also deleted the Profile rows whose profile.author_id pointed at Author#1"))
        #expect(reports[3].value == .integer(0))
        #expect(reports[4].value == .integer(0))
        #expect(reports[6].notes.map(\.message).contains("on delete set null: SQLite set employee.manager_id to NULL in the Employee rows that pointed at Employee#1"))
        #expect(reports[7].objects.isEmpty)
    }

    @Test func deletesRunChildrenFirst() throws {
        let wb = try Workbench()
        let reports = wb.run("""
        entity Author { name: String; books: [Book] }
        entity Book { title: String; author: Author }
        insert Author(name: "A")
        insert Book(title: "B", author: Author#1)
        save
        Author#1
        Book#1
        delete Author#1
        delete Book#1
        save
        """)
        let save = try #require(reports.last)
        expectOK(save)
        #expect(dataSQL(save) == [#"DELETE FROM "book" WHERE "id" = ?"#, #"DELETE FROM "author" WHERE "id" = ?"#])
    }

    @Test func referenceToAMissingObject() throws {
        let reports = try runScript("""
        entity Author { name: String; books: [Book] }
        entity Book { title: String; author: Author }
        insert Book(title: "Orphan", author: Author#7)
        """)
        let d = try #require(reports.last?.diagnostics.first)
        #expect(d.message == "Author#7 does not exist")
        #expect((d.line, d.column) == (3, 38))
    }
}

@Suite struct UnitOfWorkOrderingTests {
    @Test func newParentsAreInsertedBeforeTheirNewChildren() throws {
        let reports = try runScript("""
        entity Author { name: String; books: [Book] }
        entity Book { title: String; author: Author }
        let b = insert Book(title: "Kindred", author: a)
        """)
        // `a` does not exist yet: a clear diagnostic, nothing half-done.
        #expect(reports.last?.diagnostics.first?.message == "unknown name 'a'")

        let wb = try Workbench()
        let run = wb.run("""
        entity Author { name: String; books: [Book] }
        entity Book { title: String; author: Author }
        let a = insert Author(name: "Butler")
        insert Book(title: "Kindred", author: a)
        :pending
        save
        """)
        for r in run { expectOK(r) }
        guard case .code(_, let lines) = try #require(run[4].blocks.first) else { Issue.record("no pending SQL"); return }
        #expect(lines.contains(#"2. INSERT INTO "book" ("title", "author_id") VALUES (?, ?)  -- "Kindred", ⟨id of Author (new #1)⟩"#))
        #expect(dataSQL(run[5]) == [#"INSERT INTO "author" ("name") VALUES (?)"#, #"INSERT INTO "book" ("title", "author_id") VALUES (?, ?)"#])
        #expect(run[5].sql.last { $0.sql.hasPrefix("INSERT") }?.params == [.text("Kindred"), .integer(1)])
    }

    @Test func aCycleOfNewObjectsIsExplained() throws {
        let wb = try Workbench()
        let run = wb.run("""
        entity Employee { name: String; manager: Employee?; reports: [Employee] via manager }
        let boss = insert Employee(name: "Boss")
        let deputy = insert Employee(name: "Deputy", manager: boss)
        boss.manager = deputy
        save
        """)
        let save = try #require(run.last)
        #expect(!save.ok)
        #expect(save.diagnostics[0].message == "cannot order the inserts: these new objects refer to each other in a cycle: Employee (new #1).manager → Employee (new #2); Employee (new #2).manager → Employee (new #1)")
        #expect(save.diagnostics[0].hint == "save one of them first with the association set to nil, then assign it and save again")
        #expect(save.sql.isEmpty)
        // Breaking the cycle as the hint says works.
        let fixed = wb.run("""
        boss.manager = nil
        save
        boss.manager = deputy
        save
        """)
        for r in fixed { expectOK(r) }
    }
}

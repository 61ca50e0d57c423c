import DSL
import Report
import Testing
@testable import Workbench

// Habits from other ORMs (issue 16, item 5): each entry of `ForeignHabits.all` typed as a learner
// types it gets one diagnostic, at its line and column, naming the ORMLab form; nothing runs.

/// One habit as typed, and the diagnostic it must get (on line 2: a comment line comes first).
struct HabitCase: Sendable, CustomTestStringConvertible {
    var typed: String
    var column: Int
    var message: String
    init(_ typed: String, column: Int, _ message: String) {
        self.typed = typed
        self.column = column
        self.message = message
    }
    var testDescription: String { typed }
}

let habitCases: [HabitCase] = [
    HabitCase("Author.find(1)", column: 8,
              "'find(1)' is the ActiveRecord way to find by id; in ORMLab write: Author#1"),
    HabitCase("Author.query().findById(1)", column: 16,
              "'findById(1)' is the Objection.js way to find by id; in ORMLab write: Author#1"),
    HabitCase("Author.objects.get(pk=1)", column: 8,
              "'objects.get(pk=1)' is the Django way to find one object; in ORMLab write: Author#1"),
    HabitCase("Author.fetchOne(db, key: 1)", column: 8,
              "'fetchOne(db, key: 1)' is the GRDB way to find by id; in ORMLab write: Author#1"),
    HabitCase("session.get(Author, 1)", column: 1,
              "'session.get(Author, 1)' is the SQLAlchemy and Hibernate way to find by id; in ORMLab write: Author#1"),
    HabitCase("session.find(Author.class, 1)", column: 1,
              "'session.find(Author.class, 1)' is the Hibernate way to find by id; in ORMLab write: Author#1"),
    HabitCase("Author.find_by(name: \"x\")", column: 8,
              "'find_by(name: \"x\")' is the ActiveRecord way to find the first match; in ORMLab write: Author.where(name == \"x\").first"),
    HabitCase("Author.last", column: 8,
              "'last' is the ActiveRecord and Django way to take the last object; in ORMLab write: Author.order(id desc).first"),
    HabitCase("Author.objects.filter(name=\"x\")", column: 8,
              "'objects.filter(name=\"x\")' is the Django way to filter; in ORMLab write: Author.where(name == \"x\")"),
    HabitCase("Author.objects.all()[20:30]", column: 21,
              "'[20:30]' is the Django way to page with a slice; in ORMLab write: Author.all.limit(10).offset(20)"),
    HabitCase("Author.objects.all()", column: 8,
              "'objects.all()' is the Django way to list all objects; in ORMLab write: Author.all"),
    HabitCase("Author.objects.create(name=\"x\")", column: 8,
              "'objects.create(name=\"x\")' is the Django way to create an object; in ORMLab write: insert Author(name: \"x\")"),
    HabitCase("Author.objects.count()", column: 8,
              "'objects.count()' is the Django way to count; in ORMLab write: Author.count"),
    HabitCase("session.query(Author)", column: 1,
              "'session.query(Author)' is the SQLAlchemy way to start a query; in ORMLab write: Author.all"),
    HabitCase("Author.objects", column: 8,
              "'objects' is the Django way to start a query; in ORMLab write: Author.all"),
    HabitCase("Author.query()", column: 8,
              "'query()' is the Objection.js way to start a query; in ORMLab write: Author.all"),
    HabitCase("Author.filter(name == \"x\")", column: 8,
              "'filter(name == \"x\")' is the SQLAlchemy, Django and GRDB way to filter; in ORMLab write: Author.where(name == \"x\")"),
    HabitCase("Author.filter_by(name=\"x\")", column: 8,
              "'filter_by(name=\"x\")' is the SQLAlchemy way to filter by equality; in ORMLab write: Author.where(name == \"x\")"),
    HabitCase("Author.where(name: \"x\")", column: 8,
              "'where(name: \"x\")' is the ActiveRecord way to filter by a hash; in ORMLab write: Author.where(name == \"x\")"),
    HabitCase("Author.where(\"name = ?\", \"x\")", column: 8,
              "'where(\"name = ?\", \"x\")' is the ActiveRecord and Objection.js way to filter with SQL text; in ORMLab write: Author.where(name == \"x\")"),
    HabitCase("Author.order_by(\"-name\")", column: 8,
              "'order_by(\"-name\")' is the Django and SQLAlchemy way to order; in ORMLab write: Author.order(name desc)"),
    HabitCase("Author.orderBy(\"name\")", column: 8,
              "'orderBy(\"name\")' is the Objection.js way to order; in ORMLab write: Author.order(name)"),
    HabitCase("Author.order(name: :desc)", column: 8,
              "'order(name: :desc)' is the ActiveRecord way to order by a hash; in ORMLab write: Author.order(name desc)"),
    HabitCase("Author.fetchAll(db)", column: 8,
              "'fetchAll(db)' is the GRDB way to fetch all rows; in ORMLab write: Author.all"),
    HabitCase("Author.fetchCount(db)", column: 8,
              "'fetchCount(db)' is the GRDB way to count; in ORMLab write: Author.count"),
    HabitCase("Author.where(born < 1950).update_all(born: 1950)", column: 27,
              "'update_all(born: 1950)' is the ActiveRecord way to update many rows in one statement; in ORMLab write: Author.where(born < 1950).update(born: 1950)"),
    HabitCase("Book.where(year < 1950).delete_all", column: 25,
              "'delete_all' is the ActiveRecord way to delete many rows in one statement; in ORMLab write: Book.where(year < 1950).delete()"),
    HabitCase("Author.pluck(:name)", column: 8,
              "'pluck(:name)' is the ActiveRecord way to read one column; in ORMLab write: Author.pluck(name)"),
    HabitCase("Author.values_list(\"name\")", column: 8,
              "'values_list(\"name\")' is the Django way to read some columns; in ORMLab write: Author.select(name)"),
    HabitCase("Author.take(10)", column: 8,
              "'take(10)' is the ActiveRecord way to limit the rows; in ORMLab write: Author.limit(10)"),
    HabitCase("Author.limit(10, offset: 20)", column: 8,
              "'limit(10, offset: 20)' is the GRDB way to page; in ORMLab write: Author.limit(10).offset(20)"),
    HabitCase("query.setMaxResults(10)", column: 7,
              "'setMaxResults(10)' is the Hibernate way to limit the rows; in ORMLab write: Author.limit(10)"),
    HabitCase("query.setFirstResult(20)", column: 7,
              "'setFirstResult(20)' is the Hibernate way to skip rows; in ORMLab write: Author.offset(20)"),
    HabitCase("Author.query().page(2, 10)", column: 16,
              "'page(2, 10)' is the Objection.js way to page; in ORMLab write: Author.limit(10).offset(20)"),
    HabitCase("Author.includes(:books)", column: 8,
              "'includes(:books)' is the ActiveRecord way to load an association eagerly; in ORMLab write: Author.include(books)"),
    HabitCase("Author.preload(:books)", column: 8,
              "'preload(:books)' is the ActiveRecord way to load an association eagerly; in ORMLab write: Author.include(books)"),
    HabitCase("Author.eager_load(:books)", column: 8,
              "'eager_load(:books)' is the ActiveRecord way to load an association with a JOIN; in ORMLab write: Author.include(books, using: join)"),
    HabitCase("Author.objects.prefetch_related(\"books\")", column: 16,
              "'prefetch_related(\"books\")' is the Django way to load an association eagerly; in ORMLab write: Author.include(books)"),
    HabitCase("Book.objects.select_related(\"author\")", column: 14,
              "'select_related(\"author\")' is the Django way to load an association with a JOIN; in ORMLab write: Book.include(author, using: join)"),
    HabitCase("session.query(Author).options(joinedload(Author.books))", column: 23,
              "'options(joinedload(Author.books))' is the SQLAlchemy way to load an association eagerly; in ORMLab write: Author.include(books, using: join)"),
    HabitCase("Author.query().withGraphFetched(\"books\")", column: 16,
              "'withGraphFetched(\"books\")' is the Objection.js way to load an association eagerly; in ORMLab write: Author.include(books)"),
    HabitCase("Author.including(all: Author.books)", column: 8,
              "'including(all: Author.books)' is the GRDB way to load an association eagerly; in ORMLab write: Author.include(books)"),
    HabitCase("from Author a join fetch a.books", column: 1,
              "'from Author a join fetch a.books' is the Hibernate way to load an association with a JOIN; in ORMLab write: Author.include(books, using: join)"),
    HabitCase("Author.create(name: \"x\")", column: 8,
              "'create(name: \"x\")' is the ActiveRecord and Objection.js way to create and save an object; in ORMLab write: insert Author(name: \"x\")"),
    HabitCase("Author.new(name: \"x\")", column: 8,
              "'new(name: \"x\")' is the ActiveRecord way to make a new object; in ORMLab write: insert Author(name: \"x\")"),
    HabitCase("Author.query().insert({ name: \"x\" })", column: 16,
              "'insert({ name: \"x\" })' is the Objection.js way to insert; in ORMLab write: insert Author(name: \"x\")"),
    HabitCase("session.add(author)", column: 1,
              "'session.add(author)' is the SQLAlchemy way to add an object to the session; in ORMLab write: insert Author(name: \"x\")"),
    HabitCase("session.persist(author)", column: 1,
              "'session.persist(author)' is the Hibernate way to make an object persistent; in ORMLab write: insert Author(name: \"x\")"),
    HabitCase("Author#1.update(name: \"x\")", column: 10,
              "'update(name: \"x\")' is the ActiveRecord, Django and Objection.js way to change and save; in ORMLab write: Author#1.name = \"x\"; save"),
    HabitCase("update(name: \"x\")", column: 1,
              "'update(name: \"x\")' is the ActiveRecord and Django way to change and save; in ORMLab write: Author#1.name = \"x\"; save"),
    HabitCase("Author#1.destroy", column: 10,
              "'destroy' is the ActiveRecord way to delete; in ORMLab write: delete Author#1"),
    HabitCase("Author#1.delete()", column: 10,
              "'delete()' is the Django and Objection.js way to delete; in ORMLab write: delete Author#1"),
    HabitCase("session.delete(author)", column: 1,
              "'session.delete(author)' is the SQLAlchemy and Hibernate way to delete; in ORMLab write: delete author"),
    HabitCase("Author#1.save", column: 10,
              "'save' is the ActiveRecord and Django way to save one object; in ORMLab write: save"),
    HabitCase("save()", column: 1,
              "'save()' is the Django and SQLAlchemy way to save; in ORMLab write: save"),
    HabitCase("save!", column: 1,
              "'save!' is the ActiveRecord way to save or raise; in ORMLab write: save"),
    HabitCase("session.commit()", column: 1,
              "'session.commit()' is the SQLAlchemy and Hibernate way to flush and commit; in ORMLab write: save"),
    HabitCase("session.flush()", column: 1,
              "'session.flush()' is the SQLAlchemy and Hibernate way to flush; in ORMLab write: save"),
    HabitCase("session.rollback()", column: 1,
              "'session.rollback()' is the SQLAlchemy and Hibernate way to roll back; in ORMLab write: rollback"),
    HabitCase("session.beginTransaction()", column: 1,
              "'session.beginTransaction()' is the Hibernate way to open a transaction; in ORMLab write: begin"),
    HabitCase("COMMIT;", column: 1,
              "'COMMIT' is the SQL way to end a transaction; in ORMLab write: commit"),
    HabitCase("ROLLBACK;", column: 1,
              "'ROLLBACK' is the SQL way to undo a transaction; in ORMLab write: rollback"),
    HabitCase("BEGIN;", column: 1,
              "'BEGIN' is the SQL way to open a transaction; in ORMLab write: begin"),
    HabitCase("SELECT * FROM author", column: 1,
              "'SELECT * FROM author' is the SQL way to read rows; in ORMLab write: Author.all"),
    HabitCase(":rollback", column: 1,
              "':rollback' is the SQLAlchemy and ActiveRecord way to roll back; in ORMLab write: rollback"),
    HabitCase(":commit", column: 1,
              "':commit' is the SQLAlchemy and ActiveRecord way to commit; in ORMLab write: commit"),
    HabitCase(":begin", column: 1,
              "':begin' is the SQLAlchemy and ActiveRecord way to open a transaction; in ORMLab write: begin"),
    HabitCase("pending", column: 1,
              "'pending' is the SQLAlchemy way to list pending changes (session.new, session.dirty); in ORMLab write: :pending"),
    HabitCase("puts x", column: 1,
              "'puts x' is the ActiveRecord way to print a value; in ORMLab write: x"),
    HabitCase("p x", column: 1,
              "'p x' is the ActiveRecord way to print a value; in ORMLab write: x"),
    HabitCase("print(x)", column: 1,
              "'print(x)' is the Django and SQLAlchemy way to print a value; in ORMLab write: x"),
    HabitCase("console.log(x)", column: 1,
              "'console.log(x)' is the Objection.js way to print a value; in ORMLab write: x"),
    HabitCase("System.out.println(x)", column: 1,
              "'System.out.println(x)' is the Hibernate way to print a value; in ORMLab write: x"),
    HabitCase("x = Author#1", column: 1,
              "'x = Author#1' is the ActiveRecord, Django and SQLAlchemy way to name a value; in ORMLab write: let x = Author#1"),
    HabitCase("Author.all.each { |a| a.name }", column: 12,
              "'each' is the ActiveRecord way to loop; in ORMLab write: for a in Author.all { a.name }")
]

@Suite struct ForeignHabitTests {
    /// Runs `text` after the model; the reports of `text` only.
    func runAfterModel(_ text: String) throws -> (Workbench, [Report]) {
        let wb = try Workbench()
        for r in wb.run(habitModel, sourceName: "<test>") { expectOK(r) }
        return (wb, wb.run(text, sourceName: "<test>"))
    }

    @Test(arguments: habitCases)
    func habitGetsTheORMLabForm(_ habit: HabitCase) throws {
        let (wb, reports) = try runAfterModel("// a habit\n" + habit.typed)
        let report = try #require(reports.count == 1 ? reports.first : nil, "\(reports.map(\.input))")
        #expect(!report.ok)
        let diagnostic = try #require(report.diagnostics.count == 1 ? report.diagnostics.first : nil, "\(report.diagnostics.map(\.message))")
        #expect(diagnostic.message == habit.message)
        #expect(diagnostic.line == 2)
        #expect(diagnostic.column == habit.column)
        // The caret stands under the column, on the quoted line.
        let lines = diagnostic.rendered.split(separator: "\n").map(String.init)
        let quoted = try #require(lines.firstIndex { $0.hasPrefix("2 | ") })
        let caretLine = lines[quoted + 1]
        let caret = try #require(caretLine.firstIndex(of: "^"))
        #expect(caretLine.distance(from: caretLine.startIndex, to: caret) == "2 | ".count + habit.column - 1)
        #expect(diagnostic.hint != nil)
        // Nothing ran: no statement, no transaction left open.
        #expect(report.sql.isEmpty)
        #expect(!wb.session.db.isInTransaction)
    }

    @Test func everyHabitHasACaseAndEnoughHabitsFromEachORM() {
        #expect(Set(habitCases.map(\.typed)) == Set(ForeignHabits.all.map(\.typed)))
        #expect(ForeignHabits.all.count >= 30)
        for orm in [ForeignORM.activeRecord, .django, .sqlAlchemy, .hibernate, .objection, .grdb] {
            #expect(ForeignHabits.all.filter { $0.orms.contains(orm) }.count >= 3, "\(orm.rawValue)")
        }
    }

    /// The diagnostic of each habit's own example names that habit's ORMLab form, as the table says.
    @Test func theTableFormIsTheOneNamed() throws {
        for habit in ForeignHabits.all {
            let (_, reports) = try runAfterModel(habit.typed)
            let message = reports.first?.diagnostics.first?.message ?? ""
            #expect(message.hasSuffix("in ORMLab write: \(habit.ormlab)"), "\(habit.typed): \(message)")
        }
    }

    /// Every ORMLab form of the table runs (on the model, with `x` and `author` named).
    @Test func everyORMLabFormRuns() throws {
        for habit in ForeignHabits.all {
            let (_, reports) = try runAfterModel("let x = Author#1\nlet author = Author#1\n" + habit.ormlab)
            #expect(reports.count >= 3)
            for r in reports { expectOK(r) }
        }
    }

    /// The form is built from what was typed: the entity, the id, the conditions.
    @Test(arguments: [
        ("Book.find(7)", "'find(7)' is the ActiveRecord way to find by id; in ORMLab write: Book#7"),
        ("Author.objects.filter(born__lt=1950, name__startswith=\"U\")",
         "'objects.filter(born__lt=1950, name__sta…' is the Django way to filter; in ORMLab write: Author.where(born < 1950 and name like \"U%\")"),
        ("Author.where(born: 1929).order_by(\"-name\")",
         "'where(born: 1929)' is the ActiveRecord way to filter by a hash; in ORMLab write: Author.where(born == 1929)"),
        ("Book#1.update(title: \"Kindred\", year: 1979)",
         "'update(title: \"Kindred\", year: 1979)' is the ActiveRecord, Django and Objection.js way to change and save; in ORMLab write: Book#1.title = \"Kindred\"; Book#1.year = 1979; save"),
        ("Author.where(born > 1900).includes(:books)",
         "'includes(:books)' is the ActiveRecord way to load an association eagerly; in ORMLab write: Author.where(born > 1900).include(books)"),
        ("SELECT a FROM Author a JOIN FETCH a.books",
         "'SELECT a FROM Author a JOIN FETCH a.boo…' is the Hibernate way to load an association with a JOIN; in ORMLab write: Author.include(books, using: join)"),
        ("select * from book", "'select * from book' is the SQL way to read rows; in ORMLab write: Book.all"),
        ("Book.objects.all()[:5]", "'[:5]' is the Django way to page with a slice; in ORMLab write: Book.all.limit(5)"),
        ("session.query(Author).filter(Author.born < 1950)",
         "'filter(Author.born < 1950)' is the SQLAlchemy, Django and GRDB way to filter; in ORMLab write: Author.where(born < 1950)"),
    ])
    func formFollowsWhatWasTyped(_ typed: String, _ message: String) throws {
        let (_, reports) = try runAfterModel(typed)
        #expect(reports.count == 1)
        #expect(reports.first?.diagnostics.map(\.message) == [message])
    }

    /// An earlier mistake keeps its own diagnostic; a habit is named only where the command failed.
    @Test func anEarlierMistakeKeepsItsDiagnostic() throws {
        let (_, reports) = try runAfterModel("Author.where(nmae == \"x\").order_by(name)")
        #expect(reports.first?.diagnostics.map(\.message) == ["unknown property 'nmae' on Author"])
        let (_, valid) = try runAfterModel("Author.first\nAuthor.all.first\nAuthor.count()")
        for r in valid { expectOK(r) }
    }

    /// A habit's word that the session defines (a property `last`) is the learner's own name there.
    @Test func aDefinedNameIsNoHabit() throws {
        let reports = try runScript(
            "entity Item { name: String; last: Int }\ninsert Item(name: \"a\", last: 1)\nsave\n:forget\n"
                + "let q = Item.select(name).first\nq.last")
        #expect(reports.last?.diagnostics.map(\.message) == ["Item#1.last was not selected: this object is partial"])
    }
}

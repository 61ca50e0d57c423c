import DSL

/// One `:help` topic: a short explanation and an example script that runs exactly as printed
/// (the tests run every topic's example in a fresh workbench).
public struct HelpTopic: Sendable {
    public var name: String
    public var summary: String
    public var body: String
    public var example: String
}

/// The built-in help, in the order `:help` lists it.
public let helpTopics: [HelpTopic] = [
    HelpTopic(
        name: "entities", summary: "define entities; how they map to tables",
        body: """
        An entity maps to a table; each property to a column. Types: Int, Double, String, Bool,
        Date, Data. `?` makes a property optional (a nullable column); `unique` and `index` add
        constraints and indexes; `= value` sets a default. Every entity gets an integer id (or a
        natural key, id: String; see :help keys).
        Defining an entity again changes its table: ORMLab shows the migration and runs it.
        """,
        example: """
        entity Author {
          name: String
          email: String unique
          born: Int?
          rating: Double = 0
          index(name)
        }
        :mapping Author
        """),
    HelpTopic(
        name: "queries", summary: "insert, find, where, order, limit, count, first",
        body: """
        `insert` creates a new object (written at the next save or autoflush). `Entity#id` finds
        one object, from the identity map when it is already loaded. Queries chain methods:
        all, where(condition), order(property desc), limit(n), offset(n), select(properties),
        count, first, sum/avg/min/max(property), group(property).count. Conditions use
        == != < <= > >=, and, or, not, like "pattern%", in [list], == nil.
        """,
        example: """
        entity Author { name: String; born: Int? }
        insert Author(name: "Ursula K. Le Guin", born: 1929)
        insert Author(name: "Octavia E. Butler", born: 1947)
        insert Author(name: "Anonymous")
        Author.where(born < 1940 or born == nil).order(name desc)
        Author.where(name like "O%").count
        Author.select(name).first
        Author.max(born)
        """),
    HelpTopic(
        name: "associations", summary: "belongs-to, has-many, has-one, many-to-many",
        body: """
        `author: Author` stores a foreign key (author_id) here: belongs-to. `books: [Book]` on the
        other side is its inverse: has-many. Arrays on both sides make a many-to-many through a
        join table. `author: Author unique` is one-to-one (has-one on the other side). Use `via`
        to name the inverse when there is more than one candidate; `on delete cascade | set null |
        restrict` on a to-one decides what deleting the parent does. To add a many-to-many between
        entities that already exist, redefine one with its array: it waits, keeping its current
        mapping, until you redefine the other with the array pointing back; then both apply.
        `subject: Post | Photo` points at one of several entities: :help polymorphic.
        """,
        example: """
        entity Author { name: String; books: [Book] }
        entity Book { title: String; author: Author on delete cascade; tags: [Tag] }
        entity Tag { name: String unique; books: [Book] }
        insert Author(name: "Ursula K. Le Guin")
        insert Book(title: "The Dispossessed", author: Author#1)
        insert Tag(name: "utopia")
        Book#1.tags.add(Tag#1)
        save
        Book.where(author.name == "Ursula K. Le Guin")
        Author.where(books.any(title like "The%"))
        Book#1.tags
        """),
    HelpTopic(
        name: "loading", summary: "lazy loading, include (IN or JOIN), N+1, :set lazy",
        body: """
        Associations load lazily: touching Author#1.books runs a query then. In a loop that is
        one query per object: the N+1 problem, which ORMLab points out. include(books) loads
        them for all objects with one more query (IN); include(books, using: join) uses one
        LEFT JOIN and collapses the rows into objects. `:set lazy batch` loads an association
        for all objects of the same query at once; `:set lazy raise` forbids lazy loading.
        """,
        example: """
        entity Author { name: String; books: [Book] }
        entity Book { title: String; author: Author }
        insert Author(name: "Le Guin")
        insert Author(name: "Butler")
        insert Book(title: "The Dispossessed", author: Author#1)
        insert Book(title: "Kindred", author: Author#2)
        save
        :forget
        for a in Author.all { a.books.count }
        :forget
        for a in Author.all.include(books) { a.books.count }
        :forget
        Author.include(books, using: join)
        """),
    HelpTopic(
        name: "polymorphic", summary: "polymorphic associations: subject: Post | Photo, via, include",
        body: """
        `subject: Post | Photo` is a to-one that may point at either entity (Rails'
        `belongs_to :subject, polymorphic: true`). The table stores two plain columns:
        subject_type (the entity name, as Rails stores the class name) and subject_id, indexed
        together, with NO foreign key: no constraint can point at two tables. So the database
        keeps no referential integrity (deleting a Post leaves orphan comments; ORMLab's unit of
        work does not cascade either, it says so), cannot JOIN by one key, and cannot check the
        type. `comments: [Comment] via subject` is the other side (Rails' `as: :subject`): WHERE
        subject_type = 'Post' AND subject_id = ?. Touching c.subject reads the table its type
        names; include(subject) runs one IN query per type present.
        """,
        example: """
        entity Post { title: String; comments: [Comment] via subject }
        entity Photo { url: String; comments: [Comment] via subject }
        entity Comment { body: String; subject: Post | Photo }
        insert Post(title: "Hello")
        insert Photo(url: "cat.png")
        save
        insert Comment(body: "Nice post", subject: Post#1)
        insert Comment(body: "Cute", subject: Photo#1)
        save
        :forget
        Comment#2.subject
        Post#1.comments
        :forget
        Comment.include(subject)
        """),
    HelpTopic(
        name: "identity", summary: "the identity map: one object per row per session",
        body: """
        The session keeps one object per row (the identity map). Finding an object that is
        already loaded runs no SQL, and a query that returns a loaded row returns the same
        object, whose in-memory state wins. :forget empties the identity map, like starting a
        new request.
        """,
        example: """
        entity Author { name: String }
        insert Author(name: "Le Guin")
        save
        Author#1
        Author#1
        :forget
        Author#1
        """),
    HelpTopic(
        name: "unit-of-work", summary: "dirty tracking, :pending, save, rollback, autoflush, begin/commit",
        body: """
        Assignments mark objects dirty and remember the old value; insert and delete are pending
        too. :pending shows them with the exact SQL a save would run. `save` writes everything
        in one transaction, updating only the changed columns. `rollback` puts objects back to
        their saved state. Before a query, pending changes are flushed so the query sees them
        (autoflush; `:set autoflush off` to turn it off). `begin` … `commit` groups several saves.
        `let a = insert Author(...)` names a new object so other inserts can refer to it before it
        has an id; the save then inserts parents before children. `begin transaction` is `begin`;
        `begin immediate` runs SQLite's BEGIN IMMEDIATE, which takes the write lock at once (plain
        BEGIN waits for the first write): other connections may still read, none may write.
        """,
        example: """
        entity Author { name: String; born: Int?; books: [Book] }
        entity Book { title: String; author: Author }
        insert Author(name: "Le Guin", born: 1929)
        save
        let butler = insert Author(name: "Octavia E. Butler")
        insert Book(title: "Kindred", author: butler)
        :pending
        save
        Author#1.name = "Ursula K. Le Guin"
        :pending
        save
        Author#1.born = 1930
        rollback
        Author#1
        """),
    HelpTopic(
        name: "pattern", summary: "Active Record vs Data Mapper: :set pattern, b.save, b.destroy, b.reload, b.changes",
        body: """
        Two ways an ORM persists objects. Data Mapper (the default; SQLAlchemy, Hibernate): the
        session's unit of work collects inserts, changes and deletes, and `save` writes them all in
        one transaction; the identity map gives one object per row. Active Record (Rails, Django,
        Eloquent): `:set pattern active-record`, and each object saves itself. `insert` writes at
        once (Rails' create); an assignment makes the object dirty until b.save writes its changed
        columns, in a transaction of its own; b.destroy deletes at once; b.reload reads the row
        again (both patterns); b.changes shows the dirty columns as Rails does. A bare `save`
        writes nothing. There is no identity map, as in Rails: Author#1 twice runs two queries and
        gives two objects, so keep the one you change in a variable (`:set identity-map on|off`
        to try either). Switching pattern with changes pending is refused (nothing is lost).
        `:compare pattern SCRIPT.orm` runs a script both ways on copies of the database and
        compares statements, transactions, round trips, time and objects loaded twice.
        """,
        example: """
        entity Author { name: String; books: [Book] }
        entity Book { title: String; author: Author }
        insert Author(name: "Le Guin")
        save
        :set pattern active-record
        insert Book(title: "Lavinia", author: Author#1)
        let b = Book#1
        b.title = "Lavinia (2008)"
        b.changes
        save
        b.save
        Author#1
        Author#1
        b.destroy
        :set pattern data-mapper
        """),
    HelpTopic(
        name: "performance", summary: ":seed data, :explain plans and indexes, :compare loading strategies",
        body: """
        :seed Entity N writes N rows of deterministic fake data (names, emails, titles, years,
        prices...) in one transaction with one prepared INSERT; required belongs-to get existing
        parents (seed the parent first), many-to-many get 0–3 links per row. Seeded rows are not
        loaded as objects. :explain QUERY shows SQLite's plan as a tree, explains each step (SCAN
        reads every row, SEARCH jumps via an index) and, where a filtered, joined or ordered column
        has no index, prints the entity with the `index(...)` line to paste. :compare QUERY takes a
        query with one include(...) and loads it lazily (1 + N statements), with IN (2) and with a
        JOIN (1), each on an empty identity map, and shows statements, rows, collapsed rows, objects
        and time. :stats lists full scans, sorts and automatic indexes per command.
        """,
        example: """
        entity Author { name: String; email: String unique; books: [Book] }
        entity Book { title: String; year: Int; author: Author }
        :seed Author 20
        :seed Book 200
        :explain Book.where(year > 2000)
        entity Book { title: String; year: Int; author: Author; index(year); index(author) }
        :explain Book.where(year > 2000)
        :compare Author.all.include(books)
        :stats
        """),
    HelpTopic(
        name: "aggregates", summary: "count, sum/avg/min/max, group, having, select, pagination, batches",
        body: """
        count, sum(p), avg(p), min(p), max(p) run one SELECT and return a value. group(p).count
        returns a table; group(author) groups by a to-one association (its rows show Author#1).
        having(count > 2) keeps groups by their size. select(a, b) loads partial objects: touching
        another property is an error. limit(n).offset(m) pages by position; after(Book#100) pages
        by key (WHERE id > 100 ORDER BY id), which stays fast on deep pages. for b in
        Book.all.batches(of: 100) { ... } runs one keyset query per batch.
        """,
        example: """
        entity Author { name: String; email: String unique; books: [Book] }
        entity Book { title: String; year: Int; price: Double; author: Author }
        :seed Author 3
        :seed Book 30
        Book.count
        Book.avg(price)
        Book.group(author).having(count > 5).count
        Book.select(title).limit(3)
        Book.after(Book#25).limit(3)
        for b in Book.all.batches(of: 10) { b.title }
        """),
    HelpTopic(
        name: "other-orms", summary: "coming from another ORM: its habits and the ORMLab forms",
        body: foreignHabitsHelp(),
        example: """
        entity Author { name: String; born: Int?; books: [Book] }
        entity Book { title: String; year: Int; author: Author }
        insert Author(name: "Ursula K. Le Guin", born: 1929)   // Author.create(...), session.add(author)
        insert Book(title: "The Dispossessed", year: 1974, author: Author#1)
        save                                                 // session.commit(), save!, author.save
        Author#1                                             // Author.find(1), Author.objects.get(pk=1)
        Author.where(name == "Ursula K. Le Guin").first      // Author.find_by(name: "…"), filter_by(name="…")
        Author.include(books)                                // includes(:books), prefetch_related("books")
        Book.include(author, using: join)                    // select_related("author"), JOIN FETCH
        Author.order(name desc).limit(10).offset(0)          // order_by("-name"), setMaxResults(10)
        Author#1.name = "U. K. Le Guin"                      // author.update(name: "…")
        :pending                                             // session.dirty
        save
        let u = Author#1                                     // u = Author.find(1)
        u                                                    // puts u, print(u)
        begin transaction
        delete Book#1                                        // book.destroy, book.delete()
        rollback
        """),
    HelpTopic(
        name: "mapping", summary: "real table and column names, Decimal, a database you already have",
        body: """
        Explicit mapping, as every ORM has it: `table("Artist")` after the entity's name,
        `column("ArtistId")` after a property (`id: Int column("ArtistId")` names the key's
        column; on a to-one it names the foreign key), and on a many-to-many
        `join("PlaylistTrack", "PlaylistId", "TrackId")`: the join table, its column pointing
        here, its column pointing there. Every statement then uses these names, quoted.
        Decimal is exact money (NUMERIC(10,2)): 10.50 is bound as text, never as a Double, and
        sum(...) adds whole cents. `ormlab --db FILE` on a database ORMLab did not make infers
        a model from its tables (shown as DSL, a note per guess) and writes nothing while you
        only read (on PostgreSQL too, from pg_catalog: ormlab --db postgres://…); :infer does
        the same for tables made with :sql. A text key becomes a natural key (id: String), a key
        nothing numbers an assigned one, composite keys a many-to-many when they are two foreign
        keys (a join entity); other tables without one key column are skipped (:help keys). `ormlab export --db FILE --style grdb` (or :export
        swift grdb) writes the model as Swift with the real names as table names and coding keys.
        """,
        example: """
        :sql CREATE TABLE [Artist] ([ArtistId] INTEGER PRIMARY KEY, [Name] NVARCHAR(120))
        :sql CREATE TABLE [Album] ([AlbumId] INTEGER PRIMARY KEY, [Title] NVARCHAR(160) NOT NULL, [Price] NUMERIC(10,2), [ArtistId] INTEGER NOT NULL REFERENCES [Artist]([ArtistId]))
        :infer
        insert Artist(name: "AC/DC")
        insert Album(title: "Back in Black", price: 9.99, artist: Artist#1)
        save
        Artist#1.albums
        Album.sum(price)
        """),
    HelpTopic(
        name: "keys", summary: "natural keys (id: String), assigned keys, a join entity key(playlist, track); what is refused",
        body: """
        A natural key is text that means something outside the database, a country code or an
        ISBN: `entity Country { id: String column("code"); name: String }`. Its objects are found
        by it, Country#FR (a word) or Country#"New Zealand" (any text, quoted); every insert gives
        it, insert Country(id: "FR", name: "France"); a foreign key or join table column pointing
        at it holds TEXT. The identity map still keeps one object per row. A natural key cannot be
        the key of an inheritance hierarchy or a polymorphic association's target, and :seed does
        not invent one. Inferring a database maps a CHAR, VARCHAR or TEXT key so.

        The database numbers a new row's key (SQLite's rowid, PostgreSQL's identity column) unless
        the insert gives it: insert Country(id: 33, name: "France") writes "id" in the INSERT and
        reads nothing back (an assigned identifier, as Hibernate calls it). On PostgreSQL a given
        key does not move the sequence, so a later insert without id may draw a number that is
        taken; the error says so and gives the setval that moves it (Rails' reset_pk_sequence!).
        `id: Int assigned` (or `id: Int column("InvoiceId") assigned`) says every insert gives the
        key, as for a legacy table whose key nothing numbers: an insert without id is refused
        before any SQL, and on PostgreSQL the table gets no identity column. Inferring a database
        writes `assigned` where the catalog shows no identity, sequence or rowid alias.

        A table whose primary key is exactly two foreign keys holds the pairs of a many-to-many.
        `entity PlaylistTrack table("PlaylistTrack") { playlist: Playlist column("PlaylistId");
        track: Track column("TrackId"); key(playlist, track) }` is a join entity: it names that
        table and its columns for the many-to-many between Playlist and Track, declared before or
        after it (inferring a database does the same with join(...)). It has no objects of its
        own: read its pairs through the many-to-many. ORMLab identifies every object by one key
        column, so key(...) is refused, with its reason, when it is over scalar values, has one
        or more than two properties, an optional side, or sits in an entity with other members
        (a join table with data of its own): give such a table a key column of its own. For the
        same reason an inferred database skips, each with a note saying why, a table whose key
        is two columns that are not both foreign keys (or more columns), a table without a
        primary key, and a view; read them with :sql, and a foreign key pointing at one stays a
        plain value.
        """,
        example: """
        entity Playlist { name: String }
        entity Track { name: String }
        entity PlaylistTrack table("playlist_entries") { playlist: Playlist; track: Track; key(playlist, track) }
        entity Playlist { name: String; tracks: [Track] }
        entity Track { name: String; playlists: [Playlist] }
        insert Playlist(name: "Heavy")
        insert Track(name: "Go Down")
        Playlist#1.tracks.add(Track#1)
        save
        Playlist#1.tracks
        entity Country { id: String column("code"); name: String; cities: [City] }
        entity City { name: String; country: Country }
        insert Country(id: "FR", name: "France")
        insert City(name: "Paris", country: Country#FR)
        save
        Country#FR.cities
        entity Invoice { id: Int column("InvoiceId") assigned; total: Int }
        insert Invoice(id: 412, total: 99)
        save
        """),
    HelpTopic(
        name: "rosetta", summary: "the same operation in ActiveRecord, Hibernate, SQLAlchemy, Django, GRDB",
        body: """
        :rosetta QUERY-OR-COMMAND shows the catalogue entry for it: the idiomatic code in each
        ORM and the SQL that ORM really ran on the same schema and rows, beside ORMLab's, with
        the statement counts compared (BEGIN/COMMIT not counted). A query with other values
        finds the entry of the same shape, marked "not recorded for this exact query". Any
        other query made of where(property OP value), order, limit, include and count gets
        each ORM's code from templates, marked "not recorded" (no SQL: nothing ran it).
        :rosetta alone lists the entries; :rosetta ID shows one by id. The entries are the files
        of Rosetta/catalogue, recorded by `./dev rosetta record` from the real ORMs.
        """,
        example: """
        :rosetta
        :rosetta Author.include(books)
        :rosetta Book.where(year > 1990)
        :rosetta Book.where(year >= 2000).order(title).limit(5)
        :rosetta delete-cascade
        """),
    HelpTopic(
        name: "lifecycle", summary: "validations, callbacks, timestamps, soft delete, scopes",
        body: """
        Rules the unit of work runs around each object it saves, in order: validate → before
        callbacks → SQL → after callbacks → commit; the SQL pane shows this timeline per object.
          validate(format: email|url), validate(length: 1...80), validate(>= 0), validate(in: ["a", "b"])
          on before|after insert|update|save|delete { property = expression; ... }
          timestamps      created_at, updated_at: set by the flush, bound in the INSERT/UPDATE
          soft delete     deleted_at: `delete` becomes an UPDATE; queries, counts and includes
                          skip such rows; Entity.with_deleted, Entity.only_deleted
          scope NAME = where(...)   a named query, chainable: Account.rich.order(name)
        A failed validation stops the save before any SQL, names object, property, rule and
        value, and leaves everything pending. Expressions (assignments, callbacks, bulk updates):
        literals, properties, + - * /, string +, lower(), upper(), trim(), now().
        Queries: .distinct, .exists (SELECT 1 … LIMIT 1), .pluck(props) (values, no objects).
        """,
        example: """
        entity Account {
          email: String unique validate(format: email)
          name: String validate(length: 1...80)
          balance: Int = 0 validate(>= 0)
          timestamps
          soft delete
          on before save { email = lower(email) }
          on before insert { name = trim(name) }
          scope rich = where(balance > 1000)
        }
        insert Account(email: "Ann@Example.org", name: "  Ann ", balance: 1500)
        save
        Account#1.balance = Account#1.balance - 30
        save
        Account.rich.pluck(name, balance)
        Account.where(balance > 0).exists
        delete Account#1
        save
        Account.count
        Account.with_deleted.count
        """),
    HelpTopic(
        name: "bulk", summary: "update(...) and delete() on a query: one statement; :set sync; stale objects",
        body: """
        Query.update(prop: expr, ...) and Query.delete() run ONE statement for every matching row,
        computed by the database (balance = balance - 30), like Rails' update_all, Django's
        QuerySet.update or SQLAlchemy's query.update. No object is loaded, so validations and
        callbacks do not run. Objects already loaded are brought in line by :set sync:
          evaluate   judge the condition on them and apply the change in memory (the default)
          fetch      read the changed rows back in the same statement (RETURNING)
          none       mark them stale: their values are not shown as current; touching one says
                     how to refresh (Account#1.reload, a query that returns it, or :forget)
        A raw :sql UPDATE/DELETE marks the loaded objects of its table stale too. The per-object
        form stays: delete Book.where(...) loads the objects and deletes each at save.
        """,
        example: """
        entity Account { name: String; balance: Int = 0 }
        insert Account(name: "Ann", balance: 100)
        insert Account(name: "Bob", balance: 5)
        save
        Account.all
        Account.where(balance < 50).update(balance: balance + 10)
        :set sync none
        Account.where(name == "Ann").update(balance: balance - 30)
        Account#1
        Account.where(id == 1)
        :set sync fetch
        Account.where(balance > 0).update(balance: balance * 2)
        Account.where(balance == 0).delete()
        """),
    HelpTopic(
        name: "workbench", summary: "the : commands",
        body: """
        :help [topic]     this help          :schema, :mapping [Entity]  the mapping and DDL
        :log, :stats      statements run     :forget      empty the identity map
        :pending          the unit of work   :sql STATEMENT  raw SQL, rows as a table
        :explain QUERY    the query plan     :compare QUERY  lazy vs IN vs JOIN
        :seed Entity N    fake data          :set lazy select|batch|raise, :set autoflush on|off
        :set pattern data-mapper|active-record, :set identity-map on|off   who saves (:help pattern)
        :set sync evaluate|fetch|none        how a bulk update/delete treats loaded objects
        :export swift plain|grdb [FILE]      :save FILE.orm|.html|.json, :load FILE   the session
        :lessons, :lesson ID|N, :hint, :check, :next, :solution, :reset [lesson], :lesson off   lessons
        :more             all objects of the last result            :quit (or Ctrl-D)
        :diagram [Entity…], :diagram mermaid, :diagram svg FILE   the schema as a picture
        :infer            a model for tables no entity maps (see :help mapping)
        :rosetta QUERY    the same operation in other ORMs, with the SQL each ran
        :session NAME, :sessions, :session close NAME [discard]   two sessions (:help sessions)
        :set lock_timeout 2s|500ms|0   how long a write waits for another session's lock
        """,
        example: """
        entity Author { name: String }
        insert Author(name: "Le Guin")
        save
        :sql SELECT count(*) AS authors FROM author
        :log
        :stats
        :schema
        """),
    HelpTopic(
        name: "diagram", summary: "the schema as an ER diagram: terminal, Mermaid, SVG",
        body: """
        :diagram draws every table as a box (PK primary key, FK foreign key, UQ unique, a type
        ending in ? may be NULL) and every foreign key as a line between two boxes. Each end of
        a line says how many rows of its box stand there: 1 exactly one, 0..1 zero or one,
        * any number. A join table (many-to-many) is a box of its own with two lines; a
        self-reference is a line from a box back to itself. The picture fits the terminal:
        side by side when the boxes fit in one row, stacked otherwise.
        :diagram Book Tag          only these entities (and the join tables between them)
        :diagram mermaid           Mermaid erDiagram text, for Markdown (GitHub draws it)
        :diagram svg FILE.svg      an SVG picture for a browser or a document
        """,
        example: """
        entity Author { name: String; books: [Book] }
        entity Book { title: String; author: Author; tags: [Tag] }
        entity Tag { label: String unique; books: [Book] }
        :diagram
        :diagram Book Tag
        :diagram mermaid
        :diagram svg /tmp/ormlab-help-diagram.svg
        """),
    HelpTopic(
        name: "save", summary: "keep or hand out a session: .orm script, .html page, .json lines",
        body: """
        :save FILE writes the session in the form its extension names, and nothing else:
        :save s.orm     the successful commands as a script (:load s.orm or ormlab run s.orm
                        replays them)
        :save s.html    one page of the whole session for a browser, to hand out or read on a
                        phone: the schema's diagram at the top, then every command with its
                        Mapping, SQL and Objects panes, notes and errors; no network needed
        :save s.json    every command's report as one JSON object per line
        Other extensions are refused, as are folders that do not exist; a file that cannot be
        written is an error, and nothing half-written is left. From the shell,
        ormlab run s.orm --format html > s.html writes the page of a script.
        """,
        example: """
        entity Author { name: String; books: [Book] }
        entity Book { title: String; author: Author }
        insert Author(name: "Le Guin")
        save
        :save /tmp/ormlab-help-session.orm
        :save /tmp/ormlab-help-session.html
        :save /tmp/ormlab-help-session.json
        """),
    HelpTopic(
        name: "dialect", summary: "the SQL pane in PostgreSQL's, MySQL's or SQL Server's SQL",
        body: """
        `:dialect postgres|mysql|sqlserver` shows every statement of each command again as that
        database writes it, under the SQL pane, with one note per difference that matters for those
        statements: quoting ("name", `name`, [name]), placeholders (?, $1, @p1), how an INSERT hands
        back its new id (rowid, RETURNING, LAST_INSERT_ID(), OUTPUT INSERTED), identity columns,
        LIMIT/OFFSET vs OFFSET … FETCH, booleans, LIKE vs ILIKE, transaction words. MySQL and SQL
        Server text is shown, not run; PostgreSQL text is what ORMLab runs on PostgreSQL
        (:help postgres). Each statement's bound values follow it under that database's
        placeholder names (-- @p1 = "Kindred", @p2 = 1979; -- $1 = … on PostgreSQL).
        `:dialect off` stops; `ormlab run --dialect mysql FILE` does the same for a script.
        It is the same statement, not a rewrite of its text: the session keeps the statement value
        behind each SQL text it rendered, and the other dialect renders that value again (so a
        Bool column is BOOLEAN or BIT, not SQLite's INTEGER). SQL ORMLab did not write (a :sql
        line) is translated from its text, quoting and placeholders only, and a note says so.
        """,
        example: """
        entity Book { title: String; year: Int; in_print: Bool = true }
        :dialect sqlserver
        insert Book(title: "Kindred", year: 1979)
        save
        Book.where(title like "%kin%").order(year).limit(5).offset(10)
        :dialect mysql
        Book.where(in_print == true).limit(3)
        :dialect off
        """),
    HelpTopic(
        name: "postgres", summary: "running on PostgreSQL: ./dev pg, --db postgres://…",
        body: """
        `./dev pg` starts a private PostgreSQL server for ORMLab (data under .build/pg, a Unix
        socket in it, no TCP port) and prints its connection string as its last line; `./dev pg
        stop` stops it. `ormlab --db 'postgresql:///ormlab?host=…&user=…'` (any libpq connection
        string; a password is never printed) runs everything on it: the same entities become
        BIGINT identity columns, INSERTs read their new id with RETURNING, parameters are $1, $2,
        the DSL's `like` is ILIKE (PostgreSQL's LIKE tells case apart; a backslash in its pattern
        escapes the next character, which SQLite's does not), a redefinition changes
        columns in place with ALTER TABLE instead of rebuilding the table, and :explain reads
        EXPLAIN (FORMAT JSON) in the same ORM terms (full scan, index search, bitmap, hash join,
        sort). Reopening restores the mapping, as with a file. On SQLite, :dialect postgres shows
        the text PostgreSQL would run. Bound values show under their placeholders' names
        (-- $1 = "Le Guin"). PostgreSQL aborts a whole transaction when one statement in it
        fails; inside a transaction ORMLab runs each statement after SAVEPOINT ormlab_statement
        (released by the next one, not shown, like psql's ON_ERROR_ROLLBACK), so a failed one is undone
        with ROLLBACK TO SAVEPOINT ormlab_statement (shown) and the transaction goes on, as on SQLite.
        `:explain analyze QUERY` runs the query with EXPLAIN ANALYZE: each step's actual rows,
        loops and time (a write is refused, ANALYZE would really run it). :explain's index advice
        is checked with BEGIN; CREATE INDEX …; EXPLAIN …; ROLLBACK (DDL is transactional there):
        the plan with the index on the real rows, and with sequential scans ruled out when the
        table is too small for the planner to bother. `:seed` takes the ids from the identity
        sequence, then loads every row with one COPY. A connection the server ends is opened
        again by the next command (a transaction open on it is reported lost: `rollback`).
        """,
        example: """
        entity Author { name: String; books: [Book] }
        entity Book { title: String; author: Author }
        :dialect postgres
        insert Author(name: "Le Guin")
        save
        Author.all.include(books)
        :dialect off
        """),
    HelpTopic(
        name: "sessions", summary: "two sessions on one database; the lost update",
        body: """
        `:session B` opens a second session (or switches to it): its own connection, identity
        map and unit of work, on the same database, as two requests of a web application have.
        The first session is A. Every pane header names the session while two are open;
        `:sessions` lists them with their objects, pending changes and open transaction;
        `:session close B` refuses while B has unsaved changes (`:session close B discard`
        drops them). `:save` keeps the switches, so the script replays the same story.
        SQLite's in-memory database belongs to one connection, so the first `:session` copies
        it to a temporary file that both sessions open (deleted when ORMLab ends); shared-cache
        memory would lock tables instead of the database and ignore the busy timeout, which
        teaches the wrong locks. A file database (--db FILE) is simply opened twice, and on
        PostgreSQL (--db postgres://…) each session is its own libpq connection (its own
        server process) to the same database and schema; a table or column one session
        creates is seen by the others.
        The lost update: both sessions read a row, both change it, the second save overwrites
        the first one's change without ever seeing it. With two sessions open, a save compares
        each changed property's row with what this session read and names the loss in a note.
        A `version` property turns it into an error (:help locking).
        """,
        example: """
        entity Account { owner: String; balance: Int }
        insert Account(owner: "Ada", balance: 100)
        save
        Account#1.balance
        :session B
        Account#1.balance = 70
        save
        :session A
        Account#1.balance = 150
        save
        :sessions
        """),
    HelpTopic(
        name: "locking", summary: "optimistic (version) and pessimistic (lock) locking, isolation",
        body: """
        Optimistic: `entity Account { owner: String; balance: Int; version }` adds an Int
        version (Hibernate's @Version, Rails' lock_version). Every UPDATE sets
        "version" = "version" + 1 WHERE "id" = ? AND "version" = ? (the version this session
        read). Zero rows changed means another session saved first: save fails with a
        stale-object error naming both versions, nothing is written and the unit of work
        keeps the change. `Account#1.reload` reads the row again (dropping the change), then
        change it again and save.
        Pessimistic: `Account.where(id == 1).lock.first` opens a transaction that holds a lock
        until commit or rollback. SQLite has no row locks (no FOR UPDATE): it opens the
        transaction with BEGIN IMMEDIATE, the write lock on the whole database; other sessions
        still read, but their writes wait. On PostgreSQL `lock` is SELECT … FOR UPDATE: the
        rows it returns are locked, writes to other rows go on. `lock(nowait)` (FOR UPDATE
        NOWAIT) fails at once if another session holds one of the rows; `lock(skip_locked)`
        (also `skipLocked`, `skip: locked`; FOR UPDATE SKIP LOCKED) leaves those rows out, as
        a job queue does. SQLite refuses both and says what it does instead. A locking query
        refreshes the objects it locks; if it fails, the transaction it opened is rolled back.
        On PostgreSQL `lock` with include(…, using: join) is refused (FOR UPDATE cannot lock a
        LEFT JOIN's optional side); include(…) without `using: join` keeps the lock.
        `lock` before count/sum/group is refused: an aggregate loads no objects to lock.
        `:set lock_timeout 2s` (or 500ms, or 0) is how long a statement waits for a lock
        (SQLite's busy timeout; PostgreSQL's lock_timeout, 0 = wait for ever); then it fails
        (`database is locked`, or SQLSTATE 55P03), a note names the session holding it and the
        command that opened its transaction (on PostgreSQL also another program's, from
        pg_stat_activity) and says what is left of the waiting session's transaction; both
        sessions go on (nothing pending is lost). Ctrl-C ends a wait early (PQcancel).
        `begin isolation read committed | repeatable read | serializable`: SQLite gives one
        level, SERIALIZABLE, for all three (READ UNCOMMITTED is refused): a writer waits for
        the whole database, so none of the anomalies below can happen. PostgreSQL gives real
        levels: READ COMMITTED (its default) shows non-repeatable reads and phantoms (reload a
        row or count again while another session commits); REPEATABLE READ reads one snapshot,
        and writing a row another session changed since fails with a serialization failure
        (SQLSTATE 40001); write skew (two sessions each check a condition, then each change a
        different row) still passes there and fails at SERIALIZABLE. READ UNCOMMITTED runs as
        READ COMMITTED. After a 40001: `rollback`, read again, redo the change, commit: what
        ORMs' retry helpers do. Playground/10-locks-and-isolation.orm shows them on PostgreSQL.
        """,
        example: """
        entity Account { owner: String; balance: Int; version }
        insert Account(owner: "Ada", balance: 100)
        save
        Account#1.balance = 70
        save
        :set lock_timeout 500ms
        Account.where(id == 1).lock.first
        commit
        begin isolation serializable
        rollback
        """),
    HelpTopic(
        name: "inheritance", summary: "class hierarchies: inheritance(single | joined | concrete), entity Car : Vehicle",
        body: """
        `entity Vehicle inheritance(single) { … }` declares the root of a hierarchy and how it
        maps to tables; `entity Car : Vehicle { doors: Int }` a subclass (several levels work).
        A subclass has the inherited properties first, then its own; its parent must be
        defined first (a subclass cannot wait for it), and a bulk update/delete on a class of
        a hierarchy is refused (one statement cannot write rows that span or share tables).
          single    one table for all classes, a `type` column naming each row's class; the
                    subclass columns are nullable there (other classes' rows have no value),
                    so NOT NULL moves from the table to the ORM. No JOIN, but NULL cells.
          joined    the root's table holds the inherited columns and `type`; each subclass a
                    table of its own columns keyed by the root's id (REFERENCES its parent).
                    A Car is read with a JOIN and written with one INSERT per level, in order.
          concrete  a full table per class, inherited columns copied; ids come from one
                    generator table (vehicle_ids) so they stay unique across the tables; a
                    base query is a UNION ALL of the tables.
        `Vehicle.all` returns each object as its own class (Car#2, Truck#3); `Car.where(…)`
        reads Car rows only (by `type`, or by its table). One identity per hierarchy: Vehicle#2
        and Car#2 are the same object. Associations may point at a base class or a subclass.
        A class is mapped when it is defined and cannot wait, so the other side of its to-many
        comes first (entity Trip { vehicle: Vehicle } waits for Vehicle, then entity Vehicle
        inheritance(single) { trips: [Trip] }); subclasses inherit it (Car#1.trips). Under
        concrete no foreign key can point at a class of the hierarchy: its rows are in several
        tables.
        Every class is read through a derived table, `(SELECT … ) AS "vehicle"`, shown in full in
        the SQL pane; the database's planner flattens it (:explain shows the plan).
        `:compare inheritance Vehicle [ROWS]` builds the hierarchy under all three strategies on
        scratch databases with the same seeded rows and compares tables, NULL cells, the base,
        subclass and by-id reads, and their plans (100000 rows shows the timing).
        Changing the root's strategy while it holds rows: single ↔ joined moves the rows (the
        migration is shown and runs in one transaction); to or from concrete is refused.
        Export: plain structs share a protocol (AnyVehicle) with the inherited properties;
        GRDB records map each table (a joined subclass's record holds its own columns and
        belongs to its parent's record through the shared id).
        """,
        example: """
        entity Vehicle inheritance(single) { make: String; wheels: Int = 4 }
        entity Car : Vehicle { doors: Int }
        entity Truck : Vehicle { payload: Double }
        insert Car(make: "VW", doors: 5)
        insert Truck(make: "MAN", wheels: 6, payload: 7.5)
        save
        :forget
        Vehicle.all
        Car.where(doors > 2)
        Vehicle#2
        :compare inheritance Vehicle 300
        """),
]

/// The body of `:help other-orms`: the habits ORMLab recognises (`ForeignHabits.all`), under
/// each ORM they come from, with the ORMLab form; lines fit 80 columns.
func foreignHabitsHelp() -> String {
    var lines = [
        "Habits from other ORMs get a diagnostic that names the ORMLab form. There is",
        "no session object or manager to call (the workbench is the session), queries",
        "start at the entity, conditions are comparisons (name == \"x\"), and the unit",
        "of work writes at `save`.",
    ]
    let width = 36
    for orm in ForeignORM.allCases {
        let habits = ForeignHabits.all.filter { $0.orms.contains(orm) }
        guard !habits.isEmpty else { continue }
        lines.append("")
        lines.append(orm.rawValue)
        for habit in habits {
            if habit.typed.count > width {
                lines.append("  " + habit.typed)
                lines.append("  " + String(repeating: " ", count: width) + "  →  " + habit.ormlab)
            } else {
                lines.append("  " + habit.typed.padding(to: width) + "  →  " + habit.ormlab)
            }
        }
    }
    return lines.joined(separator: "\n")
}

/// `:help` without a topic.
public func helpOverview() -> String {
    var lines = ["ORMLab: define entities, run queries, and watch the mapping, the SQL and the objects side by side.", ""]
    lines.append("Topics (:help TOPIC):")
    let width = helpTopics.map(\.name.count).max() ?? 10
    for topic in helpTopics {
        lines.append("  \(topic.name.padding(to: width))  \(topic.summary)")
    }
    lines.append("")
    lines.append("Start with:  entity Author { name: String }   then   insert Author(name: \"Le Guin\")   then   Author.all")
    return lines.joined(separator: "\n")
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}

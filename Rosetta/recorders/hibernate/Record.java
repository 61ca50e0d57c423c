// Rosetta recorder for Hibernate: Debian's libhibernate3-java (3.6.10) with Xerial's sqlite-jdbc.
// Hibernate 7 and the community SQLite dialect come only from Maven Central, which does not
// answer from the machines this was recorded on; Hibernate 3.6 is what Debian ships, so its
// SQL (book0_ aliases, HQL, the Session API) is older than today's. Hibernate 3.6 has no SQLite
// dialect: SQLiteDialect below is the minimal one (types, identity, limit).
//
// Runs each catalogue entry on a fresh copy of the fixture and prints every statement Hibernate
// sent, as its own SQL log prints it (hibernate.show_sql), in the recorders' format (Rosetta/README.md).
// Transactions are JDBC calls (setAutoCommit(false), commit, rollback), not SQL text, so no
// BEGIN or COMMIT appears. The code between `// rosetta: ID` and `// rosetta: end` is what the
// catalogue shows.
//
//   java -cp ... Record SCHEMA.sql [ENTRY-ID ...]
import java.nio.file.*;
import java.sql.*;
import java.util.*;
import javax.persistence.*;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.hibernate.cfg.Configuration;
import org.hibernate.dialect.Dialect;

// The fixture's tables; top-level classes, so that Hibernate's aliases read book0_, not record_boo0_.
@Entity @Table(name = "author")
class Author {
    @Id @GeneratedValue(strategy = GenerationType.IDENTITY) Long id;
    String name;
    Integer born;
    @OneToMany(mappedBy = "author", cascade = CascadeType.ALL) Set<Book> books = new HashSet<>();
    public Author() {}
    Author(String name, Integer born) { this.name = name; this.born = born; }
    Set<Book> getBooks() { return books; }
}

@Entity @Table(name = "book")
class Book {
    @Id @GeneratedValue(strategy = GenerationType.IDENTITY) Long id;
    String title;
    Integer year;
    @Column(name = "in_print") Boolean inPrint;
    @ManyToOne(fetch = FetchType.LAZY) @JoinColumn(name = "author_id") Author author;
    @OneToMany(mappedBy = "book", cascade = CascadeType.ALL) Set<Review> reviews = new HashSet<>();
    public Book() {}
    Book(String title, int year, boolean inPrint, Author author) {
        this.title = title; this.year = year; this.inPrint = inPrint; this.author = author;
    }
    void setTitle(String title) { this.title = title; }
}

@Entity @Table(name = "review")
class Review {
    @Id @GeneratedValue(strategy = GenerationType.IDENTITY) Long id;
    Integer stars;
    @ManyToOne(fetch = FetchType.LAZY) @JoinColumn(name = "book_id") Book book;
    public Review() {}
}


public class Record {
    /** The least a Hibernate 3 dialect needs for SQLite: column types, identity, LIMIT. */
    public static class SQLiteDialect extends Dialect {
        public SQLiteDialect() {
            registerColumnType(Types.BIT, "integer");
            registerColumnType(Types.BOOLEAN, "integer");
            registerColumnType(Types.INTEGER, "integer");
            registerColumnType(Types.BIGINT, "integer");
            registerColumnType(Types.VARCHAR, "text");
        }
        @Override public boolean supportsIdentityColumns() { return true; }
        @Override public boolean hasDataTypeInIdentityColumn() { return false; }
        @Override public String getIdentityColumnString() { return "integer"; }
        @Override public String getIdentitySelectString() { return "select last_insert_rowid()"; }
        @Override public boolean supportsLimit() { return true; }
        @Override public boolean bindLimitParametersInReverseOrder() { return true; }
        @Override public String getLimitString(String sql, boolean hasOffset) {
            return sql + (hasOffset ? " limit ? offset ?" : " limit ?");
        }
    }


    interface Body { void run(Session session) throws Exception; }

    static final LinkedHashMap<String, Body> entries = new LinkedHashMap<>();
    /** Entries that need a setting of their own (batch fetching is configured, not asked for). */
    static final Map<String, Map<String, String>> settings = new HashMap<>();

    @SuppressWarnings("unchecked")
    static void define() {
        entries.put("find-by-id", session -> {
            // rosetta: find-by-id
            Book book = (Book) session.get(Book.class, 1L);
            // rosetta: end
        });
        entries.put("where", session -> {
            // rosetta: where
            List<Book> books = session.createQuery("from Book b where b.year > :year")
                .setParameter("year", 1970).list();
            // rosetta: end
        });
        entries.put("order-limit", session -> {
            // rosetta: order-limit
            List<Book> books = session.createQuery("from Book b order by b.year desc")
                .setMaxResults(2).list();
            // rosetta: end
        });
        entries.put("count-group", session -> {
            // rosetta: count-group
            List<Object[]> counts = session.createQuery(
                "select b.author.id, count(b) from Book b group by b.author.id").list();
            // rosetta: end
        });
        entries.put("projection", session -> {
            // rosetta: projection
            List<Object[]> rows = session.createQuery("select b.title, b.year from Book b").list();
            // rosetta: end
        });
        entries.put("to-one-path-join", session -> {
            // rosetta: to-one-path-join
            List<Book> books = session.createQuery("from Book b where b.author.name = :name")
                .setParameter("name", "Ursula K. Le Guin").list();
            // rosetta: end
        });
        entries.put("to-many-exists", session -> {
            // rosetta: to-many-exists
            List<Author> authors = session.createQuery(
                "from Author a where exists (from Book b where b.author = a and b.year > :year)")
                .setParameter("year", 2000).list();
            // rosetta: end
        });
        entries.put("lazy-n-plus-1", session -> {
            // rosetta: lazy-n-plus-1
            for (Author author : (List<Author>) session.createQuery("from Author").list()) {
                author.getBooks().size();    // a lazy collection: one query per author
            }
            // rosetta: end
        });
        settings.put("include-in", Map.of("hibernate.default_batch_fetch_size", "16"));
        entries.put("include-in", session -> {
            // rosetta: include-in
            // with hibernate.default_batch_fetch_size = 16 (or @BatchSize on the collection)
            for (Author author : (List<Author>) session.createQuery("from Author").list()) {
                author.getBooks().size();    // the first touch loads the books of 16 authors
            }
            // rosetta: end
        });
        entries.put("include-join", session -> {
            // rosetta: include-join
            List<Author> authors = session.createQuery(
                "select distinct a from Author a left join fetch a.books").list();
            // rosetta: end
        });
        entries.put("nested-include", session -> {
            // rosetta: nested-include
            List<Author> authors = session.createQuery("select distinct a from Author a "
                + "left join fetch a.books b left join fetch b.reviews").list();
            // rosetta: end
        });
        entries.put("insert-save-ordering", session -> {
            // rosetta: insert-save-ordering
            Transaction tx = session.beginTransaction();
            Author author = new Author("Ted Chiang", 1967);
            session.persist(author);         // IDENTITY ids: the INSERT runs at persist
            session.persist(new Book("Exhalation", 2019, true, author));
            tx.commit();
            // rosetta: end
        });
        entries.put("update-one-column", session -> {
            // rosetta: update-one-column
            Transaction tx = session.beginTransaction();
            Book book = (Book) session.get(Book.class, 1L);
            book.setTitle("The Left Hand of Darkness (50th anniversary)");
            tx.commit();                     // dirty checking at flush: every column by default
            // rosetta: end
        });
        entries.put("bulk-update", session -> {
            // rosetta: bulk-update
            Transaction tx = session.beginTransaction();
            session.createQuery("update Book set inPrint = false where year < :year")
                .setParameter("year", 1975).executeUpdate();
            tx.commit();
            // rosetta: end
        });
        entries.put("delete-cascade", session -> {
            // rosetta: delete-cascade
            Transaction tx = session.beginTransaction();
            session.delete(session.get(Author.class, 1L));   // cascade = ALL: books, then reviews
            tx.commit();
            // rosetta: end
        });
        entries.put("transaction-rollback", session -> {
            // rosetta: transaction-rollback
            Transaction tx = session.beginTransaction();
            session.persist(new Author("Ted Chiang", 1967));
            session.flush();
            tx.rollback();
            // rosetta: end
        });
    }

    static List<String> record(String schema, String id) throws Exception {
        Path file = Files.createTempFile("rosetta-hibernate", ".sqlite3");
        try {
            try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file)) {
                try (java.sql.Statement s = raw.createStatement()) {
                    for (String statement : schema.split(";\\s*\\n")) {
                        String sql = statement.replaceAll("(?m)^--.*$", "").trim();
                        if (!sql.isEmpty()) s.executeUpdate(sql);
                    }
                }
            }
            Configuration cfg = new Configuration()
                .setProperty("hibernate.connection.driver_class", "org.sqlite.JDBC")
                .setProperty("hibernate.connection.url", "jdbc:sqlite:" + file)
                .setProperty("hibernate.dialect", SQLiteDialect.class.getName())
                .setProperty("hibernate.connection.pool_size", "1")
                .setProperty("hibernate.show_sql", "true")
                .addAnnotatedClass(Author.class).addAnnotatedClass(Book.class).addAnnotatedClass(Review.class);
            for (Map.Entry<String, String> e : settings.getOrDefault(id, Map.of()).entrySet()) {
                cfg.setProperty(e.getKey(), e.getValue());
            }
            SessionFactory factory = cfg.buildSessionFactory();
            // show_sql prints "Hibernate: SQL" on standard output for every statement it sends:
            // Hibernate's own SQL log, read here line by line.
            java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
            java.io.PrintStream out = System.out;
            System.setOut(new java.io.PrintStream(captured, true, "UTF-8"));
            try {
                Session session = factory.openSession();
                entries.get(id).run(session);
                session.close();
            } finally {
                System.setOut(out);
            }
            factory.close();
            List<String> log = new ArrayList<>();
            for (String line : captured.toString("UTF-8").split("\n")) {
                if (line.startsWith("Hibernate: ")) log.add(line.substring("Hibernate: ".length()));
            }
            return log;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    public static void main(String[] args) throws Exception {
        define();
        String schema = Files.readString(Path.of(args[0]));
        List<String> ids = args.length > 1 ? Arrays.asList(args).subList(1, args.length) : new ArrayList<>(entries.keySet());
        // Debian's build says [WORKING] for its version; the jar's manifest has the real one.
        String version = org.hibernate.Version.getVersionString();
        if (version.startsWith("[")) version = org.hibernate.Version.class.getPackage().getImplementationVersion();
        System.out.println("@version Hibernate " + version);
        for (String id : ids) {
            if (!entries.containsKey(id)) { System.out.println("@missing " + id); continue; }
            System.out.println("@@ " + id);
            for (String sql : record(schema, id)) System.out.println(sql.trim().replaceAll("\\s+", " "));
        }
    }
}

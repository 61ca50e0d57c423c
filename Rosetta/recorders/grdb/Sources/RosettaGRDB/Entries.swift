import GRDB

// One closure per catalogue entry. The code between `// rosetta: ID` and `// rosetta: end` is
// what the catalogue shows for GRDB.

let entries: [(id: String, run: (DatabaseQueue) throws -> Void)] = [
    ("find-by-id", { dbQueue in
        // rosetta: find-by-id
        let book = try dbQueue.read { db in try Book.find(db, key: 1) }
        // rosetta: end
        _ = book
    }),
    ("where", { dbQueue in
        // rosetta: where
        let books = try dbQueue.read { db in
            try Book.filter(Column("year") > 1970).fetchAll(db)
        }
        // rosetta: end
        _ = books
    }),
    ("order-limit", { dbQueue in
        // rosetta: order-limit
        let books = try dbQueue.read { db in
            try Book.order(Column("year").desc).limit(2).fetchAll(db)
        }
        // rosetta: end
        _ = books
    }),
    ("count-group", { dbQueue in
        // rosetta: count-group
        let counts = try dbQueue.read { db in
            try Book.select(Column("author_id"), count(Column("id")))
                .group(Column("author_id"))
                .asRequest(of: Row.self).fetchAll(db)
        }
        // rosetta: end
        _ = counts
    }),
    ("projection", { dbQueue in
        // rosetta: projection
        let rows = try dbQueue.read { db in
            try Book.select(Column("title"), Column("year")).asRequest(of: Row.self).fetchAll(db)
        }
        // rosetta: end
        _ = rows
    }),
    ("to-one-path-join", { dbQueue in
        // rosetta: to-one-path-join
        let books = try dbQueue.read { db in
            try Book.joining(required: Book.author.filter(Column("name") == "Ursula K. Le Guin"))
                .fetchAll(db)
        }
        // rosetta: end
        _ = books
    }),
    ("to-many-exists", { dbQueue in
        // rosetta: to-many-exists
        let authors = try dbQueue.read { db in
            try Author.having(Author.books.filter(Column("year") > 2000).isEmpty == false)
                .fetchAll(db)
        }
        // rosetta: end
        _ = authors
    }),
    ("lazy-n-plus-1", { dbQueue in
        // rosetta: lazy-n-plus-1
        // GRDB has no lazy loading: the N+1 pattern is written out by hand
        try dbQueue.read { db in
            for author in try Author.fetchAll(db) {
                _ = try author.request(for: Author.books).fetchAll(db)
            }
        }
        // rosetta: end
    }),
    ("include-in", { dbQueue in
        // rosetta: include-in
        let authors = try dbQueue.read { db in
            try Author.including(all: Author.books).asRequest(of: AuthorWithBooks.self).fetchAll(db)
        }
        // rosetta: end
        _ = authors
    }),
    ("include-join", { dbQueue in
        // rosetta: include-join
        // including(all:) never joins; a JOIN is for to-one: books with their author
        let books = try dbQueue.read { db in
            try Book.including(required: Book.author).asRequest(of: BookWithAuthor.self).fetchAll(db)
        }
        // rosetta: end
        _ = books
    }),
    ("nested-include", { dbQueue in
        // rosetta: nested-include
        let authors = try dbQueue.read { db in
            try Author.including(all: Author.books.including(all: Book.reviews))
                .asRequest(of: AuthorWithBooksAndReviews.self).fetchAll(db)
        }
        // rosetta: end
        _ = authors
    }),
    ("insert-save-ordering", { dbQueue in
        // rosetta: insert-save-ordering
        try dbQueue.write { db in      // no unit of work: you insert the parent first
            var author = Author(name: "Ted Chiang", born: 1967)
            try author.insert(db)
            var book = Book(title: "Exhalation", year: 2019, inPrint: true, authorId: author.id!)
            try book.insert(db)
        }
        // rosetta: end
    }),
    ("update-one-column", { dbQueue in
        // rosetta: update-one-column
        try dbQueue.write { db in
            var book = try Book.find(db, key: 1)
            try book.updateChanges(db) { $0.title = "The Left Hand of Darkness (50th anniversary)" }
        }
        // rosetta: end
    }),
    ("bulk-update", { dbQueue in
        // rosetta: bulk-update
        let changed = try dbQueue.write { db in
            try Book.filter(Column("year") < 1975).updateAll(db, Column("in_print").set(to: false))
        }
        // rosetta: end
        _ = changed
    }),
    ("delete-cascade", { dbQueue in
        // rosetta: delete-cascade
        // GRDB turns foreign keys on: the schema's ON DELETE CASCADE removes books and reviews
        let deleted = try dbQueue.write { db in try Author.deleteOne(db, key: 1) }
        // rosetta: end
        _ = deleted
    }),
    ("transaction-rollback", { dbQueue in
        // rosetta: transaction-rollback
        try dbQueue.inTransaction { db in
            var author = Author(name: "Ted Chiang", born: 1967)
            try author.insert(db)
            return .rollback
        }
        // rosetta: end
    }),
]

import TestSupport
import Testing
@testable import DSL

// The code blocks of SPEC.md §2 and §3, verbatim: every line must parse.

/// SPEC §2's model with a comment line before it (comments are part of the grammar).
let specEntities = "// line comments with //\n" + specModel

let specStatements = #"""
insert Author(name: "Ursula K. Le Guin", email: "ursula@example.org", born: 1929)
insert Book(title: "The Dispossessed", year: 1974, author: Author#1)
Author#1                                    // find by primary key (identity map first)
Author.all
Author.where(born < 1950 and name like "U%").order(name desc).limit(10).offset(20)
Book.where(author.name == "Ursula K. Le Guin")         // to-one path → JOIN
Author.where(books.any(year > 2000))                   // to-many path → EXISTS
Author.select(name, email)                             // projection: partial objects
Author.count   Book.group(year).count   Book.max(year)
Author.include(books)                       // eager: a second query with IN (…)
Author.include(books, using: join)          // eager: one LEFT JOIN, rows collapsed into objects
Author.include(books.tags)                  // nested eager loading
Author#1.books                              // lazy loading: runs when touched
for a in Author.all { a.books.count }       // the classic N+1, visible
Author#1.name = "U. K. Le Guin"             // tracked change, pending until save
Book#2.tags.add(Tag#1)   Book#2.tags.remove(Tag#1)
delete Book#3
save   rollback   begin   commit            // unit of work and transactions
let ursula = Author.where(name like "Ursula%").first
"""#

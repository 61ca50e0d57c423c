import GRDB

// The fixture's three tables as GRDB records. GRDB finds the foreign keys of the associations
// in the schema (book.author_id REFERENCES author); the keys name the decoded properties.

struct Author: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "author"
    static let books = hasMany(Book.self, key: "books")
    var id: Int64?
    var name: String
    var born: Int?
    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

struct Book: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "book"
    static let author = belongsTo(Author.self, key: "author")
    static let reviews = hasMany(Review.self, key: "reviews")
    var id: Int64?
    var title: String
    var year: Int
    var inPrint: Bool
    var authorId: Int64
    enum CodingKeys: String, CodingKey {
        case id, title, year, inPrint = "in_print", authorId = "author_id"
    }
    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

struct Review: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "review"
    var id: Int64?
    var stars: Int
    var bookId: Int64
    enum CodingKeys: String, CodingKey { case id, stars, bookId = "book_id" }
}

/// An author with the books loaded by `including(all:)`.
struct AuthorWithBooks: Decodable, FetchableRecord {
    var author: Author
    var books: [Book]
}

/// A book with its reviews, for the nested include.
struct BookWithReviews: Decodable, FetchableRecord {
    var book: Book
    var reviews: [Review]
}

struct AuthorWithBooksAndReviews: Decodable, FetchableRecord {
    var author: Author
    var books: [BookWithReviews]
}

/// A book with its author, loaded by one JOIN (`including(required:)`).
struct BookWithAuthor: Decodable, FetchableRecord {
    var book: Book
    var author: Author
}

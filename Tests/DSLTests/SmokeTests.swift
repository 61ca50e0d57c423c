import Testing
@testable import DSL

@Test func smoke() {
    let inputs = [
        "Author.where(born < 1950 and name like \"U%\").order(name desc).limit(10).offset(20)",
        "insert Author(name: \"x\", born: 1929)\nAuthor#1.name = \"y\"\nfor a in Author.all { a.books.count }",
        "entity Tag { name: String unique; books: [Book] }",
        "save   rollback   begin   commit",
        ":explain Book.where(year > 2000\nAuthor.all",
        "Author.where(born = 1950)",
        "insert Author(name: \"x\"\nAuthor.all",
        "-9223372036854775808\n9223372036854775808\n99999999999999999999",
        "\"abc",
    ]
    for i in inputs { print(shape(i)) }
    print(renderedError("Author.where(born < 1950"))
    print(renderedError("insert Author(name: \"x\"\nAuthor.all"))
}

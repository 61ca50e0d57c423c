// The SPEC §2 model, shared by the DSL and mapping tests: every association kind in five entities.

/// The entity definitions of SPEC §2, verbatim.
public let specModel = """
entity Author {
  name: String
  email: String unique
  born: Int?                  // optional → nullable column
  rating: Double = 0          // default value
  books: [Book]               // to-many: the inverse of Book.author
  index(name)                 // secondary index
}

entity Book {
  title: String
  year: Int index
  author: Author              // to-one, stored here: column author_id REFERENCES author(id)
  tags: [Tag]                 // to-many on both sides → many-to-many through a join table
}

entity Tag { name: String unique; books: [Book] }

entity Profile { bio: String; author: Author unique }   // one-to-one (unique foreign key)
entity Employee {                                      // self-reference
  name: String
  manager: Employee? on delete set null
  reports: [Employee] via manager                      // explicit inverse when ambiguous
}
"""

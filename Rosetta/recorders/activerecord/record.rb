# Rosetta recorder for ActiveRecord (Debian's ruby-activerecord, sqlite3 adapter).
#
# Runs each catalogue entry on a fresh copy of the fixture and prints the SQL ActiveRecord
# logged for it, in the recorders' format (see Rosetta/README.md): every sql.active_record
# notification (what the Rails log shows, transactions included) except ActiveRecord's own
# schema look-ups (name "SCHEMA"), which it makes once per table and which no entry asks for.
# The code between `# rosetta: ID` and `# rosetta: end` is what the catalogue shows.
#
#   ruby record.rb SCHEMA.sql [ENTRY-ID ...]
require "active_record"
require "sqlite3"
require "tmpdir"

# The fixture's tables are singular (ORMLab's convention): Rails' own switch for that.
ActiveRecord::Base.pluralize_table_names = false

class Author < ActiveRecord::Base
  has_many :books, dependent: :destroy
end

class Book < ActiveRecord::Base
  belongs_to :author
  has_many :reviews, dependent: :destroy
end

class Review < ActiveRecord::Base
  belongs_to :book
end

ENTRIES = {}
def entry(id, &block) = ENTRIES[id] = block

entry "find-by-id" do
  # rosetta: find-by-id
  book = Book.find(1)
  # rosetta: end
end

entry "where" do
  # rosetta: where
  books = Book.where("year > ?", 1970).to_a
  # rosetta: end
end

entry "order-limit" do
  # rosetta: order-limit
  books = Book.order(year: :desc).limit(2).to_a
  # rosetta: end
end

entry "count-group" do
  # rosetta: count-group
  counts = Book.group(:author_id).count
  # rosetta: end
end

entry "projection" do
  # rosetta: projection
  rows = Book.pluck(:title, :year)
  # rosetta: end
end

entry "to-one-path-join" do
  # rosetta: to-one-path-join
  books = Book.joins(:author).where(author: { name: "Ursula K. Le Guin" }).to_a
  # rosetta: end
end

entry "to-many-exists" do
  # rosetta: to-many-exists
  authors = Author.where(Book.where("book.author_id = author.id").where("year > ?", 2000).arel.exists).to_a
  # rosetta: end
end

entry "lazy-n-plus-1" do
  # rosetta: lazy-n-plus-1
  Author.all.each { |author| author.books.to_a }   # loads each author's books: one query per author
  # rosetta: end
end

entry "include-in" do
  # rosetta: include-in
  authors = Author.preload(:books).to_a
  # rosetta: end
end

entry "include-join" do
  # rosetta: include-join
  authors = Author.eager_load(:books).to_a
  # rosetta: end
end

entry "nested-include" do
  # rosetta: nested-include
  authors = Author.includes(books: :reviews).to_a
  # rosetta: end
end

entry "insert-save-ordering" do
  # rosetta: insert-save-ordering
  author = Author.new(name: "Ted Chiang", born: 1967)
  author.books.build(title: "Exhalation", year: 2019, in_print: true)
  author.save!                     # saves the author, then its new books
  # rosetta: end
end

entry "update-one-column" do
  # rosetta: update-one-column
  book = Book.find(1)
  book.update!(title: "The Left Hand of Darkness (50th anniversary)")
  # rosetta: end
end

entry "bulk-update" do
  # rosetta: bulk-update
  Book.where("year < ?", 1975).update_all(in_print: false)
  # rosetta: end
end

entry "delete-cascade" do
  # rosetta: delete-cascade
  Author.find(1).destroy!          # dependent: :destroy loads and destroys books, then reviews
  # rosetta: end
end

entry "transaction-rollback" do
  # rosetta: transaction-rollback
  Author.transaction do
    Author.create!(name: "Ted Chiang", born: 1967)
    raise ActiveRecord::Rollback   # leaves the block, rolling back
  end
  # rosetta: end
end

def record(schema_sql, id)
  Dir.mktmpdir do |dir|
    path = File.join(dir, "fixture.sqlite3")
    raw = SQLite3::Database.new(path)
    raw.execute_batch(schema_sql)
    raw.close
    ActiveRecord::Base.establish_connection(adapter: "sqlite3", database: path)
    # Load the column lists first (SCHEMA queries), so that the log holds only the entry's SQL.
    [Author, Book, Review].each(&:reset_column_information)
    [Author, Book, Review].each(&:columns)
    log = []
    subscriber = ActiveSupport::Notifications.subscribe("sql.active_record") do |*, payload|
      log << payload[:sql] unless payload[:name] == "SCHEMA"
    end
    begin
      ENTRIES.fetch(id).call
    ensure
      ActiveSupport::Notifications.unsubscribe(subscriber)
      ActiveRecord::Base.remove_connection
    end
    log
  end
end

schema_sql = File.read(ARGV[0])
ids = ARGV.drop(1)
ids = ENTRIES.keys if ids.empty?
puts "@version ActiveRecord #{ActiveRecord::VERSION::STRING}"
ids.each do |id|
  unless ENTRIES.key?(id)
    puts "@missing #{id}"
    next
  end
  puts "@@ #{id}"
  record(schema_sql, id).each { |sql| puts sql.split.join(" ") }
end

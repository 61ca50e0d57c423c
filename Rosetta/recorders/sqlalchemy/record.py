"""Rosetta recorder for SQLAlchemy 2 (ORM, pysqlite).

Runs each catalogue entry on a fresh copy of the fixture and prints the SQL that SQLAlchemy
logged for it, in the recorders' format (see Rosetta/README.md):

    @@ ENTRY-ID
    one statement per line

What is recorded is what `echo=True` would print, without the parameter lines: every statement
SQLAlchemy hands to the DBAPI cursor (before_cursor_execute), and its transaction events as its
log names them (BEGIN (implicit), COMMIT, ROLLBACK). The code between `# rosetta: ID` and
`# rosetta: end` is what the catalogue shows.

    python record.py SCHEMA.sql [ENTRY-ID ...]
"""
import os
import sqlite3
import sys
import tempfile

import sqlalchemy
from sqlalchemy import ForeignKey, create_engine, event, func, select, update
from sqlalchemy.orm import (DeclarativeBase, Mapped, Session, contains_eager, joinedload,
                            mapped_column, relationship, selectinload)


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "author"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    born: Mapped[int | None]
    books: Mapped[list["Book"]] = relationship(back_populates="author", cascade="all, delete-orphan")


class Book(Base):
    __tablename__ = "book"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    year: Mapped[int]
    in_print: Mapped[bool] = mapped_column(default=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id"))
    author: Mapped[Author] = relationship(back_populates="books")
    reviews: Mapped[list["Review"]] = relationship(back_populates="book", cascade="all, delete-orphan")


class Review(Base):
    __tablename__ = "review"
    id: Mapped[int] = mapped_column(primary_key=True)
    stars: Mapped[int]
    book_id: Mapped[int] = mapped_column(ForeignKey("book.id"))
    book: Mapped[Book] = relationship(back_populates="reviews")


ENTRIES = {}


def entry(entry_id):
    def register(fn):
        ENTRIES[entry_id] = fn
        return fn
    return register


@entry("find-by-id")
def find_by_id(session):
    # rosetta: find-by-id
    book = session.get(Book, 1)
    book.title
    # rosetta: end


@entry("where")
def where(session):
    # rosetta: where
    books = session.scalars(select(Book).where(Book.year > 1970)).all()
    # rosetta: end


@entry("order-limit")
def order_limit(session):
    # rosetta: order-limit
    books = session.scalars(select(Book).order_by(Book.year.desc()).limit(2)).all()
    # rosetta: end


@entry("count-group")
def count_group(session):
    # rosetta: count-group
    counts = session.execute(
        select(Book.author_id, func.count()).group_by(Book.author_id)).all()
    # rosetta: end


@entry("projection")
def projection(session):
    # rosetta: projection
    rows = session.execute(select(Book.title, Book.year)).all()
    # rosetta: end


@entry("to-one-path-join")
def to_one_path_join(session):
    # rosetta: to-one-path-join
    books = session.scalars(
        select(Book).join(Book.author).where(Author.name == "Ursula K. Le Guin")).all()
    # rosetta: end


@entry("to-many-exists")
def to_many_exists(session):
    # rosetta: to-many-exists
    authors = session.scalars(
        select(Author).where(Author.books.any(Book.year > 2000))).all()
    # rosetta: end


@entry("lazy-n-plus-1")
def lazy_n_plus_1(session):
    # rosetta: lazy-n-plus-1
    for author in session.scalars(select(Author)).all():
        len(author.books)          # lazy="select": one query per author
    # rosetta: end


@entry("include-in")
def include_in(session):
    # rosetta: include-in
    authors = session.scalars(select(Author).options(selectinload(Author.books))).all()
    # rosetta: end


@entry("include-join")
def include_join(session):
    # rosetta: include-join
    authors = session.scalars(select(Author).options(joinedload(Author.books))).unique().all()
    # rosetta: end


@entry("nested-include")
def nested_include(session):
    # rosetta: nested-include
    authors = session.scalars(select(Author).options(
        selectinload(Author.books).selectinload(Book.reviews))).all()
    # rosetta: end


@entry("insert-save-ordering")
def insert_save_ordering(session):
    # rosetta: insert-save-ordering
    author = Author(name="Ted Chiang", born=1967)
    session.add(Book(title="Exhalation", year=2019, in_print=True, author=author))
    session.commit()               # unit of work: the author first, then the book
    # rosetta: end


@entry("update-one-column")
def update_one_column(session):
    # rosetta: update-one-column
    book = session.get(Book, 1)
    book.title = "The Left Hand of Darkness (50th anniversary)"
    session.commit()               # UPDATE of the changed column only
    # rosetta: end


@entry("bulk-update")
def bulk_update(session):
    # rosetta: bulk-update
    session.execute(update(Book).where(Book.year < 1975).values(in_print=False))
    session.commit()
    # rosetta: end


@entry("delete-cascade")
def delete_cascade(session):
    # rosetta: delete-cascade
    session.delete(session.get(Author, 1))   # cascade="all, delete-orphan" on books, reviews
    session.commit()
    # rosetta: end


@entry("transaction-rollback")
def transaction_rollback(session):
    # rosetta: transaction-rollback
    session.add(Author(name="Ted Chiang", born=1967))
    session.flush()                # the INSERT runs inside the transaction
    session.rollback()             # and is undone
    # rosetta: end


def record(schema_sql, entry_id):
    """Runs one entry on a fresh fixture database; returns the statements SQLAlchemy logged."""
    fd, path = tempfile.mkstemp(suffix=".sqlite3")
    os.close(fd)
    try:
        raw = sqlite3.connect(path)
        raw.executescript(schema_sql)
        raw.close()
        engine = create_engine(f"sqlite:///{path}")
        log = []
        event.listen(engine, "before_cursor_execute",
                     lambda conn, cursor, statement, params, context, many: log.append(
                         statement + (f" -- executemany: {len(params)} parameter sets" if many else "")))
        event.listen(engine, "begin", lambda conn: log.append("BEGIN (implicit)"))
        event.listen(engine, "commit", lambda conn: log.append("COMMIT"))
        event.listen(engine, "rollback", lambda conn: log.append("ROLLBACK"))
        with Session(engine) as session:
            ENTRIES[entry_id](session)
        engine.dispose()
        return log
    finally:
        os.unlink(path)


def main():
    schema_sql = open(sys.argv[1]).read()
    ids = sys.argv[2:] or list(ENTRIES)
    print(f"@version SQLAlchemy {sqlalchemy.__version__}")
    for entry_id in ids:
        if entry_id not in ENTRIES:
            print(f"@missing {entry_id}")
            continue
        print(f"@@ {entry_id}")
        for statement in record(schema_sql, entry_id):
            print(" ".join(statement.split()))


if __name__ == "__main__":
    main()

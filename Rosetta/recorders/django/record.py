"""Rosetta recorder for Django's ORM (sqlite3 backend).

Runs each catalogue entry on a fresh copy of the fixture and prints the SQL Django sent, in the
recorders' format (see Rosetta/README.md). Recorded through connection.execute_wrapper: every
statement Django's cursor wrapper executes, as Django wrote it. Django writes placeholders as
%s and its SQLite backend turns them into ? just below this hook; the recorder prints them as
?, the text SQLite receives. Transactions: Django runs in autocommit; atomic() sends BEGIN
through the same cursor (recorded), but commits and rolls back by calling the driver's
commit() and rollback(), which no Django hook sees; those two are taken from SQLite's own
trace of the connection (sqlite3's set_trace_callback), which sees the COMMIT or ROLLBACK the
driver sends.

    python record.py SCHEMA.sql [ENTRY-ID ...]
"""
import os
import sqlite3
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import django
from django.conf import settings

settings.configure(
    INSTALLED_APPS=["rosettaapp"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    USE_TZ=True,
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
)
django.setup()

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Prefetch

from rosettaapp.models import Author, Book, Review

ENTRIES = {}


def entry(entry_id):
    def register(fn):
        ENTRIES[entry_id] = fn
        return fn
    return register


@entry("find-by-id")
def find_by_id():
    # rosetta: find-by-id
    book = Book.objects.get(pk=1)
    # rosetta: end


@entry("where")
def where():
    # rosetta: where
    books = list(Book.objects.filter(year__gt=1970))
    # rosetta: end


@entry("order-limit")
def order_limit():
    # rosetta: order-limit
    books = list(Book.objects.order_by("-year")[:2])
    # rosetta: end


@entry("count-group")
def count_group():
    # rosetta: count-group
    counts = list(Book.objects.values("author").annotate(n=Count("id")).order_by())
    # rosetta: end


@entry("projection")
def projection():
    # rosetta: projection
    rows = list(Book.objects.values_list("title", "year"))
    # rosetta: end


@entry("to-one-path-join")
def to_one_path_join():
    # rosetta: to-one-path-join
    books = list(Book.objects.filter(author__name="Ursula K. Le Guin"))
    # rosetta: end


@entry("to-many-exists")
def to_many_exists():
    # rosetta: to-many-exists
    recent = Book.objects.filter(author=OuterRef("pk"), year__gt=2000)
    authors = list(Author.objects.filter(Exists(recent)))
    # rosetta: end


@entry("lazy-n-plus-1")
def lazy_n_plus_1():
    # rosetta: lazy-n-plus-1
    for author in Author.objects.all():
        len(author.books.all())    # one query per author
    # rosetta: end


@entry("include-in")
def include_in():
    # rosetta: include-in
    authors = list(Author.objects.prefetch_related("books"))
    # rosetta: end


@entry("include-join")
def include_join():
    # rosetta: include-join
    # select_related joins to-one only; a to-many JOIN is the reverse: books with their author
    books = list(Book.objects.select_related("author"))
    # rosetta: end


@entry("nested-include")
def nested_include():
    # rosetta: nested-include
    authors = list(Author.objects.prefetch_related("books__reviews"))
    # rosetta: end


@entry("insert-save-ordering")
def insert_save_ordering():
    # rosetta: insert-save-ordering
    author = Author.objects.create(name="Ted Chiang", born=1967)   # no unit of work:
    Book.objects.create(title="Exhalation", year=2019, in_print=True, author=author)  # you order
    # rosetta: end


@entry("update-one-column")
def update_one_column():
    # rosetta: update-one-column
    book = Book.objects.get(pk=1)
    book.title = "The Left Hand of Darkness (50th anniversary)"
    book.save(update_fields=["title"])   # plain save() writes every column
    # rosetta: end


@entry("bulk-update")
def bulk_update():
    # rosetta: bulk-update
    Book.objects.filter(year__lt=1975).update(in_print=False)
    # rosetta: end


@entry("delete-cascade")
def delete_cascade():
    # rosetta: delete-cascade
    Author.objects.get(pk=1).delete()   # the Collector finds books and reviews (on_delete=CASCADE)
    # rosetta: end


@entry("transaction-rollback")
def transaction_rollback():
    # rosetta: transaction-rollback
    with transaction.atomic():
        Author.objects.create(name="Ted Chiang", born=1967)
        transaction.set_rollback(True)   # leave the block rolling back
    # rosetta: end


def record(schema_sql, entry_id):
    fd, path = tempfile.mkstemp(suffix=".sqlite3")
    os.close(fd)
    try:
        raw = sqlite3.connect(path)
        raw.executescript(schema_sql)
        raw.close()
        connection.close()
        connection.settings_dict["NAME"] = path
        connection.ensure_connection()
        log = []
        connection.connection.set_trace_callback(
            lambda sql: log.append(sql) if sql.split()[0].upper() in ("COMMIT", "ROLLBACK") else None)

        def wrapper(execute, sql, params, many, context):
            text = sql.replace("%s", "?")
            if many:
                text += f" -- executemany: {len(params)} parameter sets"
            log.append(text)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(wrapper):
            ENTRIES[entry_id]()
        connection.close()
        return log
    finally:
        os.unlink(path)


def main():
    schema_sql = open(sys.argv[1]).read()
    ids = sys.argv[2:] or list(ENTRIES)
    print(f"@version Django {django.get_version()}")
    for entry_id in ids:
        if entry_id not in ENTRIES:
            print(f"@missing {entry_id}")
            continue
        print(f"@@ {entry_id}")
        for statement in record(schema_sql, entry_id):
            print(" ".join(statement.split()))


if __name__ == "__main__":
    main()

# The fixture's three tables as Django models (db_table names the fixture's tables; Django's
# own names would be rosettaapp_author and so on).
from django.db import models


class Author(models.Model):
    name = models.TextField()
    born = models.IntegerField(null=True)

    class Meta:
        db_table = "author"


class Book(models.Model):
    title = models.TextField()
    year = models.IntegerField()
    in_print = models.BooleanField(default=True)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")

    class Meta:
        db_table = "book"


class Review(models.Model):
    stars = models.IntegerField()
    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="reviews")

    class Meta:
        db_table = "review"

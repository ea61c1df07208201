"""PostgreSQL only: the vocabulary of the index, for spelling correction (ADR 0023).

`search_word` holds the distinct folded words (lexemes of the `document` tsvectors) with a
trigram GIN index; a query that finds nothing has its unknown words replaced by similar
vocabulary words and is run again. It replaces the trigram index over each document's
metadata (the old fallback), which is dropped. Existing entries fill the vocabulary here.
SQLite has no fallback: nothing changes there.
"""

from django.db import migrations

# Which lexemes are vocabulary words (`w` is the lexeme): no digits (numbers, dates and
# arrival numbers are never corrected: a near number is another document), 2-40 characters.
WORD_FILTER = "w !~ '[0-9]' AND length(w) BETWEEN 2 AND 40"

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS fuzzystrmatch",
    'CREATE TABLE search_word (word text COLLATE "C" PRIMARY KEY)',
    f"INSERT INTO search_word (word) SELECT DISTINCT w FROM search_entry, "
    f"unnest(tsvector_to_array(document)) AS w WHERE {WORD_FILTER}",
    "CREATE INDEX search_word_trgm ON search_word USING gin (word gin_trgm_ops)",
    "DROP INDEX IF EXISTS search_entry_fuzzy",
]
POSTGRES_BACKWARD = [
    "DROP TABLE IF EXISTS search_word",
    "CREATE INDEX IF NOT EXISTS search_entry_fuzzy ON search_entry "
    "USING gin (agency_id, public.f_unaccent(lower(meta)) gin_trgm_ops)",
]


def _run(statements: list[str]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [migrations.RunPython(_run(POSTGRES_FORWARD), _run(POSTGRES_BACKWARD))]

"""The full-text structures of each database (ADR 0023); nothing else differs between them.

SQLite: an FTS5 table over folded text (rowid = search_entry.id; `scope` holds the agency
token that restricts every MATCH). PostgreSQL: unaccent, pg_trgm and btree_gin; the immutable
`f_unaccent` wrapper; a generated tsvector over the folded, pre-split text (the default parser
would keep "125/STTTT-VP" as one file-path token); a GIN index on (agency_id, document) so the
agency restriction and the text match meet in one index; a trigram index for typos.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "scope, meta, body, tokenize = 'unicode61 remove_diacritics 0')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS search_fts"]


def _split(column: str) -> str:
    return (
        f"to_tsvector('simple'::regconfig, "
        f"regexp_replace(public.f_unaccent(lower({column})), '[^[:alnum:]]+', ' ', 'g'))"
    )


POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    # unaccent() is only STABLE; an index expression needs IMMUTABLE (recipes.md §6).
    "CREATE OR REPLACE FUNCTION public.f_unaccent(text) RETURNS text "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
    "AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$",
    "ALTER TABLE search_entry ADD COLUMN document tsvector GENERATED ALWAYS AS ("
    f"setweight({_split('meta')}, 'A') || setweight({_split('body')}, 'B')) STORED",
    "CREATE INDEX search_entry_document ON search_entry USING gin (agency_id, document)",
    "CREATE INDEX search_entry_fuzzy ON search_entry "
    "USING gin (agency_id, public.f_unaccent(lower(meta)) gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_fuzzy",
    "DROP INDEX IF EXISTS search_entry_document",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS document",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]

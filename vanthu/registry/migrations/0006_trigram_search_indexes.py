"""Trigram indexes for the incoming list's text filters, on PostgreSQL only (bench/registers.py).

`icontains` compares upper-cased text, so the indexes are on upper(column). SQLite has no
trigram indexes; its lists are small enough to scan.
"""

from django.db import migrations

TRIGRAM = (
    ("incoming_sender_trgm_idx", "sender_name"),
    ("incoming_summary_trgm_idx", "summary"),
    ("incoming_number_trgm_idx", "number"),
    ("incoming_notation_trgm_idx", "notation"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in TRIGRAM:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON registry_incomingdocument "
            f"USING gin (upper({column}) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column in TRIGRAM:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_list_indexes")]
    operations = [migrations.RunPython(create, drop)]

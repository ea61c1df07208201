"""On PostgreSQL, refuse UPDATE and DELETE of journal rows in the database itself (ADR 0004).

SQLite gets no trigger: Django's test flush deletes rows there, and the hash chain already
detects any edit or deletion (`vanthu journal verify`).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION core_journal_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'core_journalentry is append-only';
END
$$;
CREATE TRIGGER core_journalentry_append_only
    BEFORE UPDATE OR DELETE ON core_journalentry
    FOR EACH ROW EXECUTE FUNCTION core_journal_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS core_journalentry_append_only ON core_journalentry;
DROP FUNCTION IF EXISTS core_journal_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

"""Writing the search index: one row per document, (re)written from the registers.

The row (`SearchEntry`) holds the original text; on SQLite its folded copy goes to the FTS5
table `search_fts` (same rowid), on PostgreSQL the `document` tsvector column is generated
from it by the database, and its new words are added to the vocabulary `search_word` (spelling
correction, ADR 0023). Writes are idempotent: a task may run twice, or after a rebuild.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from vanthu.registry.models import IncomingDocument, OutgoingDocument
from vanthu.search.choices import EntryKind
from vanthu.search.models import SearchEntry
from vanthu.search.text import fold
from vanthu.texts.selectors import document_text

# Text beyond this is not indexed (PostgreSQL's tsvector holds at most 1 MB; a register's
# documents are a few pages, a whole book would only slow every search down).
MAX_BODY_CHARS = 200_000


# Which lexemes `w` are vocabulary words (as in migration 0003): no digits (numbers are never
# corrected: a near number is another document), 2-40 characters.
VOCABULARY_WORD = "w !~ '[0-9]' AND length(w) BETWEEN 2 AND 40"


def scope_token(agency_id: int) -> str:
    """Return the FTS5 token naming an agency (access control inside the MATCH, ADR 0023)."""
    # A word nobody types, so a query never matches it by chance.
    return f"vanthuscope{agency_id}"


def _nfc(*parts: object) -> str:
    return unicodedata.normalize("NFC", " ".join(str(p) for p in parts if p)).strip()


def _lines(*lines: str) -> str:
    return "\n".join(line for line in lines if line)


def incoming_fields(document: IncomingDocument) -> dict[str, object]:
    """Return the index row's fields of an incoming document (without its content)."""
    meta = _lines(
        _nfc(document.number_notation),
        _nfc(document.summary),
        _nfc("Nơi gửi:", document.sender_name),
        _nfc("Người ký:", document.signer_name, document.signer_position),
        _nfc(document.document_type.name),
        _nfc("Số đến", document.arrival_number),
        _nfc(document.notes),
    )
    return {
        "agency_id": document.agency_id,
        "register_id": document.register_id,
        "document_type_id": document.document_type_id,
        "date": document.document_date,
        "number": document.number_notation[:60],
        "summary": document.summary,
        "meta": meta,
    }


def outgoing_fields(document: OutgoingDocument) -> dict[str, object]:
    """Return the index row's fields of an outgoing document (without its content)."""
    places = ", ".join(r.place for r in document.recipients.all())
    meta = _lines(
        _nfc(document.number_notation),
        _nfc(document.summary),
        _nfc("Nơi nhận:", places),
        _nfc("Người ký:", document.signer_name, document.signer_position),
        _nfc(document.document_type.name),
        _nfc(document.notes),
    )
    date = document.document_date or timezone.localdate(document.created_at)
    return {
        "agency_id": document.agency_id,
        "register_id": document.register_id,
        "document_type_id": document.document_type_id,
        "date": date,
        "number": document.number_notation[:60],
        "summary": document.summary,
        "meta": meta,
    }


def _fts_write(entries: Iterable[SearchEntry]) -> None:
    """Rewrite the FTS5 rows of `entries` (SQLite only)."""
    rows = [(e.pk, scope_token(e.agency_id), fold(e.meta), fold(e.body)) for e in entries]
    with connection.cursor() as cursor:
        cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [(r[0],) for r in rows])
        cursor.executemany(
            "INSERT INTO search_fts (rowid, scope, meta, body) VALUES (%s, %s, %s, %s)", rows
        )


def _fts_delete(entry_ids: list[int]) -> None:
    if connection.vendor == "sqlite" and entry_ids:
        with connection.cursor() as cursor:
            cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [(i,) for i in entry_ids])


def entry_write(*, kind: str, object_id: int) -> SearchEntry | None:
    """(Re)write the index row of one object; remove it if the object is gone."""
    fields: dict[str, object]
    with transaction.atomic():
        if kind == EntryKind.INCOMING:
            incoming = (
                IncomingDocument.objects.select_related("document_type")
                .filter(pk=object_id)
                .first()
            )
            if incoming is None:
                entry_delete(kind=kind, object_id=object_id)
                return None
            fields = incoming_fields(incoming)
            body = document_text(incoming_id=object_id)
        elif kind == EntryKind.OUTGOING:
            outgoing = (
                OutgoingDocument.objects.select_related("document_type")
                .prefetch_related("recipients")
                .filter(pk=object_id)
                .first()
            )
            if outgoing is None:
                entry_delete(kind=kind, object_id=object_id)
                return None
            fields = outgoing_fields(outgoing)
            body = document_text(outgoing_id=object_id)
        else:
            raise ValueError(f"unknown search entry kind: {kind!r}")
        fields["body"] = unicodedata.normalize("NFC", body[:MAX_BODY_CHARS])
        entry, _created = SearchEntry.objects.update_or_create(
            kind=kind, object_id=object_id, defaults=fields
        )
        if connection.vendor == "sqlite":
            _fts_write([entry])
        elif connection.vendor == "postgresql":
            vocabulary_add(entry.pk)
        return entry


def vocabulary_add(entry_id: int) -> None:
    """Add the words of an entry's tsvector missing from the vocabulary (PostgreSQL only).

    In the caller's transaction. Sorted, so concurrent writers lock the same new words in the
    same order (no deadlock); `ON CONFLICT DO NOTHING` waits for, then skips, a word another
    transaction is adding. Words are never removed (ADR 0023): a word no document holds any
    more can only be suggested when it yields hits, so a stale word costs nothing.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO search_word (word) SELECT w FROM search_entry, "  # noqa: S608
            "unnest(tsvector_to_array(document)) AS w WHERE id = %s AND "
            + VOCABULARY_WORD
            + " ORDER BY w ON CONFLICT DO NOTHING",
            [entry_id],
        )


def vocabulary_fill() -> int:
    """Add every word of the index to the vocabulary (bulk loads); return how many were new."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO search_word (word) SELECT w FROM "  # noqa: S608
            "ts_stat('SELECT document FROM search_entry') AS s(w, ndoc, nentry) WHERE "
            + VOCABULARY_WORD
            + " ON CONFLICT DO NOTHING"
        )
        return max(int(cursor.rowcount), 0)


def entry_delete(*, kind: str, object_id: int) -> None:
    """Remove an object's index row."""
    ids = list(
        SearchEntry.objects.filter(kind=kind, object_id=object_id).values_list("pk", flat=True)
    )
    _fts_delete(ids)
    SearchEntry.objects.filter(pk__in=ids).delete()


def fts_purge_orphans() -> int:
    """Remove FTS5 rows whose index row is gone (after a flush or a restore); SQLite only."""
    if connection.vendor != "sqlite":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_fts WHERE rowid NOT IN (SELECT id FROM search_entry)")
        return max(int(cursor.rowcount), 0)

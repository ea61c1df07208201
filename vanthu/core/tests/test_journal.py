"""The audit journal: hash chain, append-only guard, detection of edits and deletions."""

from __future__ import annotations

import pytest
from django.db import connection

from conftest import only_on_vendor
from vanthu.core.actor import Actor
from vanthu.core.journal import journal_record, journal_verify
from vanthu.core.models import JournalEntry

pytestmark = pytest.mark.django_db


def _record_three() -> list[JournalEntry]:
    actor = Actor(person_id=7, name="Trần Thị Văn Thư", agency_id=1, ip_address="10.0.0.5")
    return [
        journal_record(
            actor=actor,
            action="unit.create",
            object_type="organizations.unit",
            object_id=str(n),
            object_repr=f"Phòng {n}",
            after={"name": f"Phòng {n}"},
        )
        for n in range(3)
    ]


def _tamper(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # An attacker with database rights can switch the trigger off; the chain still tells.
            cursor.execute("ALTER TABLE core_journalentry DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_journalentry ENABLE TRIGGER USER")


def test_intact_chain_verifies():
    # given three records
    entries = _record_three()
    # then they are chained and the journal verifies
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[1].prev_hash == entries[0].hash
    assert entries[0].ip_address == "10.0.0.5"
    assert journal_verify() == []


def test_edited_row_is_detected():
    # given a chain whose middle row is edited behind the application's back
    entries = _record_three()
    _tamper(
        "UPDATE core_journalentry SET after = %s WHERE id = %s",
        ['{"name": "Phòng giả"}', entries[1].pk],
    )
    # when verified
    problems = journal_verify()
    # then the edited row is named
    assert [(p.seq, "edited" in p.message) for p in problems] == [(2, True)]


def test_deleted_middle_row_is_detected():
    entries = _record_three()
    _tamper("DELETE FROM core_journalentry WHERE id = %s", [entries[1].pk])
    problems = journal_verify()
    assert any(p.seq == 2 and "deleted" in p.message for p in problems)


def test_deleted_last_row_is_detected():
    entries = _record_three()
    _tamper("DELETE FROM core_journalentry WHERE id = %s", [entries[2].pk])
    problems = journal_verify()
    assert any("deleted at the end" in p.message for p in problems)


def test_orm_refuses_update_and_delete():
    entry = _record_three()[0]
    with pytest.raises(TypeError):
        JournalEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(TypeError):
        JournalEntry.objects.filter(pk=entry.pk).delete()
    entry.action = "x"
    with pytest.raises(TypeError):
        entry.save()
    assert JournalEntry.objects.get(pk=entry.pk).action == "unit.create"


def test_database_refuses_update_on_postgresql():
    only_on_vendor("postgresql", "the append-only trigger exists on PostgreSQL only (ADR 0004)")
    from django.db import DatabaseError, transaction

    entry = _record_three()[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_journalentry SET action = 'x' WHERE id = %s", [entry.pk])
    assert JournalEntry.objects.get(pk=entry.pk).action == "unit.create"


def test_agencies_have_separate_chains():
    a = Actor(person_id=1, name="A", agency_id=1)
    b = Actor(person_id=2, name="B", agency_id=2)
    first = journal_record(actor=a, action="x")
    second = journal_record(actor=b, action="x")
    assert (first.chain, first.seq) == ("agency:1", 1)
    assert (second.chain, second.seq) == ("agency:2", 1)
    assert journal_verify() == []

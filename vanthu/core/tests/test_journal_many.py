"""journal_record_many: one locked head, rows identical to one-by-one records, chain intact."""

import itertools

import pytest
from django.db import transaction

from vanthu.core.actor import Actor
from vanthu.core.journal import (
    JournalItem,
    compute_hash,
    journal_record,
    journal_record_many,
    journal_verify,
)
from vanthu.core.models import JournalChain, JournalEntry
from vanthu.organizations.tests.factories import AgencyFactory


@pytest.fixture
def actor():
    return Actor(person_id=None, name="Nhập lô", agency_id=None, is_system_admin=True)


def test_rows_follow_the_chain_between_single_records(db, actor):
    agencies = [AgencyFactory() for _ in range(4)]
    chain_agency = agencies[0].pk
    journal_record(actor=actor, action="a.first", instance=agencies[0], agency_id=chain_agency)
    with transaction.atomic():
        rows = journal_record_many(
            actor=actor,
            action="a.many",
            agency_id=chain_agency,
            items=[JournalItem(instance=a, after={"name": a.name}) for a in agencies[1:]],
        )
    journal_record(actor=actor, action="a.last", instance=agencies[0], agency_id=chain_agency)
    key = f"agency:{chain_agency}"
    stored = list(JournalEntry.objects.filter(chain=key).order_by("seq"))
    assert [e.action for e in stored] == ["a.first", "a.many", "a.many", "a.many", "a.last"]
    assert [e.seq for e in stored] == [1, 2, 3, 4, 5]
    assert [e.object_id for e in stored[1:4]] == [str(a.pk) for a in agencies[1:]]
    assert [r.seq for r in rows] == [2, 3, 4]
    for earlier, later in itertools.pairwise(stored):
        assert later.prev_hash == earlier.hash
    assert all(compute_hash(e) == e.hash for e in stored)
    head = JournalChain.objects.get(key=key)
    assert (head.last_seq, head.last_hash) == (5, stored[-1].hash)
    assert journal_verify() == []


def test_a_rolled_back_batch_leaves_no_row_and_the_head_unchanged(db, actor):
    agency = AgencyFactory()
    journal_record(actor=actor, action="a.first", instance=agency, agency_id=agency.pk)
    head = JournalChain.objects.get(key=f"agency:{agency.pk}")

    def failing_change() -> None:
        with transaction.atomic():
            journal_record_many(
                actor=actor, action="a.many", agency_id=agency.pk, items=[JournalItem(agency)] * 3
            )
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        failing_change()
    assert JournalEntry.objects.filter(chain=head.key).count() == 1
    again = JournalChain.objects.get(key=head.key)
    assert (again.last_seq, again.last_hash) == (head.last_seq, head.last_hash)
    assert journal_verify() == []


def test_no_items_writes_nothing_and_the_system_chain_is_used_without_agency(db, actor):
    assert journal_record_many(actor=actor, action="a.none", items=[]) == []
    assert not JournalEntry.objects.exists()
    agency = AgencyFactory()
    rows = journal_record_many(actor=actor, action="a.sys", items=[JournalItem(agency)])
    assert rows[0].chain == "system"
    assert rows[0].agency_id is None
    assert journal_verify() == []

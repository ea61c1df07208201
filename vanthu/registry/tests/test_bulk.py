"""Bulk registration: numbering after single ones, all or nothing, journal, access, duplicates."""

import threading
from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from conftest import only_on_vendor
from vanthu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from vanthu.core.journal import journal_verify
from vanthu.core.models import JournalEntry
from vanthu.core.text import unicode_to_tcvn3
from vanthu.registry.bulk import MAX_BATCH, incoming_documents_register_bulk
from vanthu.registry.choices import IntakeChannel, RegisterKind, Urgency
from vanthu.registry.incoming import IncomingData, _clean, incoming_document_register
from vanthu.registry.models import IncomingDocument, Register, RegisterCounter
from vanthu.registry.registers import register_for, registers_ensure_defaults
from vanthu.registry.tests.factories import FieldFactory, document_type, pdf_bytes


@pytest.fixture
def media(settings, tmp_path):
    """Store files under a temporary folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


def _item(k: int, **overrides) -> IncomingData:
    values = {
        "sender_name": "Ủy ban nhân dân huyện Cam Lâm",
        "number": str(100 + k),
        "notation": "UBND-VP",
        "document_date": timezone.localdate() - timedelta(days=1),
        "document_type_id": document_type("cong-van").pk,
        "summary": f"V/v triển khai kế hoạch chuyển đổi số năm 2026, đợt {k}",
        "urgency": Urgency.NORMAL,
    }
    values.update(overrides)
    return IncomingData(**values)


def _incoming_register(cast):
    registers_ensure_defaults(agency_id=cast.agency_a.pk)
    return register_for(
        agency_id=cast.agency_a.pk,
        kind=RegisterKind.INCOMING,
        document_type=document_type("cong-van"),
    )


def _tamper(sql: str, params: list[object]) -> None:
    """Edit the journal behind the application's back (its trigger refuses updates on PG)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_journalentry DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_journalentry ENABLE TRIGGER USER")


def _counters():
    return dict(RegisterCounter.objects.values_list("pk", "last_number"))


def test_bulk_numbers_continue_after_single_registrations_in_item_order(cast, media):
    # given two documents registered one by one
    register = _incoming_register(cast)
    actor = cast.actor(cast.clerk)
    for k in (1, 2):
        incoming_document_register(
            actor=actor,
            data=_item(k),
            files=[("cv.pdf", pdf_bytes())],
            channel="electronic",
            confirm_duplicate=True,
        )
    # when a batch of five is registered
    documents = incoming_documents_register_bulk(
        actor=actor, register_id=register.pk, items=[_item(k) for k in range(10, 15)]
    )
    # then it takes numbers 3..7 in the order of the items, and a later single one takes 8
    assert [d.arrival_number for d in documents] == [3, 4, 5, 6, 7]
    assert [d.number for d in documents] == ["110", "111", "112", "113", "114"]
    assert all(d.pk is not None for d in documents)
    later = incoming_document_register(
        actor=actor,
        data=_item(99),
        files=[("cv.pdf", pdf_bytes())],
        channel="electronic",
        confirm_duplicate=True,
    )
    assert later.arrival_number == 8
    numbers = IncomingDocument.objects.order_by("arrival_number").values_list(
        "arrival_number", flat=True
    )
    assert list(numbers) == list(range(1, 9))
    stored = IncomingDocument.objects.get(pk=documents[0].pk)
    assert stored.channel == IntakeChannel.EXCHANGE
    assert stored.registered_by_id == cast.clerk.pk
    assert stored.received_at >= stored.entered_at


def test_bulk_without_register_goes_to_the_register_of_each_type(cast):
    # given an extra incoming register that takes the Quyết định of the agency
    default = _incoming_register(cast)
    decisions = Register.objects.create(
        agency=cast.agency_a, kind=RegisterKind.INCOMING, name="Sổ quyết định đến"
    )
    decisions.document_types.add(document_type("quyet-dinh"))
    quyet_dinh = document_type("quyet-dinh").pk
    items = [_item(1), _item(2, document_type_id=quyet_dinh), _item(3), _item(4)]
    # when the batch is registered without naming a register
    documents = incoming_documents_register_bulk(
        actor=cast.actor(cast.clerk), register_id=None, items=items
    )
    # then each register numbers its own documents from 1, in item order
    assert [(d.register_id, d.arrival_number) for d in documents] == [
        (default.pk, 1),
        (decisions.pk, 1),
        (default.pk, 2),
        (default.pk, 3),
    ]


def test_an_invalid_item_rolls_back_everything_and_is_named(cast):
    register = _incoming_register(cast)
    actor = cast.actor(cast.clerk)
    incoming_documents_register_bulk(actor=actor, register_id=register.pk, items=[_item(0)])
    counters, journal_rows = _counters(), JournalEntry.objects.count()
    future = timezone.localdate() + timedelta(days=3)
    items = [_item(k) for k in range(1, 6)]
    items[2] = replace(items[2], summary="")
    items[4] = replace(items[4], document_date=future)
    # when a batch with two bad items is registered
    with pytest.raises(ValidationFailed) as caught:
        incoming_documents_register_bulk(actor=actor, register_id=register.pk, items=items)
    # then both are named by index, the message names the first (1-based), nothing is stored
    assert set(caught.value.fields) == {"items[2].summary", "items[4].document_date"}
    assert "Văn bản thứ 3" in caught.value.message
    assert IncomingDocument.objects.count() == 1
    assert _counters() == counters
    assert JournalEntry.objects.count() == journal_rows


def test_a_database_failure_in_the_middle_leaves_no_number_used(cast, monkeypatch):
    register = _incoming_register(cast)
    actor = cast.actor(cast.clerk)
    incoming_documents_register_bulk(actor=actor, register_id=register.pk, items=[_item(0)])
    counters = _counters()

    def broken(**kwargs):
        raise RuntimeError("journal unavailable")

    monkeypatch.setattr("vanthu.registry.bulk.journal_record_many", broken)
    with pytest.raises(RuntimeError):
        incoming_documents_register_bulk(
            actor=actor, register_id=register.pk, items=[_item(k) for k in range(1, 4)]
        )
    assert IncomingDocument.objects.count() == 1
    assert _counters() == counters
    monkeypatch.undo()
    again = incoming_documents_register_bulk(actor=actor, register_id=register.pk, items=[_item(9)])
    assert again[0].arrival_number == 2


def test_every_document_is_journalled_and_the_chain_verifies(cast, media):
    register = _incoming_register(cast)
    actor = cast.actor(cast.clerk)
    incoming_document_register(
        actor=actor,
        data=_item(0),
        files=[("cv.pdf", pdf_bytes())],
        channel="electronic",
        confirm_duplicate=True,
    )
    documents = incoming_documents_register_bulk(
        actor=actor, register_id=register.pk, items=[_item(k) for k in range(1, 41)]
    )
    incoming_document_register(
        actor=actor,
        data=_item(77),
        files=[("cv.pdf", pdf_bytes())],
        channel="electronic",
        confirm_duplicate=True,
    )
    rows = JournalEntry.objects.filter(
        action="registry.incoming.register", object_id__in=[str(d.pk) for d in documents]
    ).order_by("seq")
    assert [r.object_id for r in rows] == [str(d.pk) for d in documents]
    seqs = [r.seq for r in rows]
    assert seqs == list(range(seqs[0], seqs[0] + 40))
    assert rows[0].after["arrival_number"] == 2
    assert rows[0].after["files"] == []
    assert rows[0].chain == f"agency:{cast.agency_a.pk}"
    assert rows[0].actor_id == cast.clerk.pk
    assert journal_verify() == []
    # and tampering with one bulk row is detected
    _tamper("UPDATE core_journalentry SET object_repr = %s WHERE id = %s", ["sửa lén", rows[5].pk])
    assert [p.seq for p in journal_verify()] == [seqs[5]]


def test_items_are_checked_as_single_registration_checks_them(cast):
    # given bad items of every kind single registration refuses
    register = _incoming_register(cast)
    other_field = FieldFactory(agency=cast.agency_b)
    today = timezone.localdate()
    bad = [
        _item(1, summary="   "),
        _item(2, sender_name="", sender_agency_id=None),
        _item(3, sender_agency_id=987654),
        _item(4, document_type_id=987654),
        _item(5, field_id=other_field.pk),
        _item(6, urgency="rat-khan"),
        _item(7, document_date=today + timedelta(days=1)),
        _item(8, due_date=today - timedelta(days=30)),
        _item(9, page_count=0),
        _item(10, notation="X" * 31),
        _item(11, summary=unicode_to_tcvn3("Về việc triển khai")),
    ]
    # when they go in one batch
    with pytest.raises(ValidationFailed) as caught:
        incoming_documents_register_bulk(
            actor=cast.actor(cast.clerk), register_id=register.pk, items=bad
        )
    # then each item carries exactly the errors single registration's check gives it
    for index, data in enumerate(bad):
        try:
            _clean(agency_id=cast.agency_a.pk, data=data)
        except ValidationFailed as single:
            expected = {f"items[{index}].{k}": v for k, v in single.fields.items()}
        else:
            expected = {}  # legacy TCVN3 text is converted, not refused, by both
        got = {k: v for k, v in caught.value.fields.items() if k.startswith(f"items[{index}].")}
        assert got == expected, index


def test_text_is_normalised_and_the_sender_named_from_the_directory(cast):
    register = _incoming_register(cast)
    legacy = unicode_to_tcvn3("V/v triển khai Nghị định 30")
    documents = incoming_documents_register_bulk(
        actor=cast.actor(cast.clerk),
        register_id=register.pk,
        items=[_item(1, sender_name="", sender_agency_id=cast.agency_b.pk, summary=legacy)],
    )
    stored = IncomingDocument.objects.get(pk=documents[0].pk)
    assert stored.sender_name == cast.agency_b.name
    assert stored.summary == "V/v triển khai Nghị định 30"


def test_outsider_cannot_bulk_into_another_agencys_register(cast):
    register = _incoming_register(cast)
    counters = _counters()
    # an outsider (clerk of B) naming A's register: not found, as any object of another agency
    with pytest.raises(NotFound):
        incoming_documents_register_bulk(
            actor=cast.actor(cast.outsider), register_id=register.pk, items=[_item(1)]
        )
    # a specialist of A may read but not register
    with pytest.raises(PermissionDenied):
        incoming_documents_register_bulk(
            actor=cast.actor(cast.specialist), register_id=register.pk, items=[_item(1)]
        )
    # and an outsider's batch without a register goes to B's own register, never A's
    documents = incoming_documents_register_bulk(
        actor=cast.actor(cast.outsider), register_id=None, items=[_item(1)]
    )
    assert documents[0].agency_id == cast.agency_b.pk
    assert documents[0].register.agency_id == cast.agency_b.pk
    assert IncomingDocument.objects.filter(agency=cast.agency_a).count() == 0
    assert not RegisterCounter.objects.filter(register=register).exists()
    assert _counters().keys() - counters.keys() == {
        RegisterCounter.objects.get(register=documents[0].register).pk
    }


def test_an_outgoing_register_or_an_empty_or_oversized_batch_is_refused(cast):
    _incoming_register(cast)
    outgoing = Register.objects.get(agency=cast.agency_a, name="Sổ văn bản đi")
    actor = cast.actor(cast.clerk)
    with pytest.raises(ValidationFailed) as caught:
        incoming_documents_register_bulk(actor=actor, register_id=outgoing.pk, items=[_item(1)])
    assert "register_id" in caught.value.fields
    with pytest.raises(ValidationFailed):
        incoming_documents_register_bulk(actor=actor, register_id=None, items=[])
    with pytest.raises(ValidationFailed):
        incoming_documents_register_bulk(
            actor=actor, register_id=None, items=[_item(1)] * (MAX_BATCH + 1)
        )
    with pytest.raises(ValidationFailed):
        incoming_documents_register_bulk(
            actor=actor, register_id=None, items=[_item(1)], channel="fax"
        )
    assert IncomingDocument.objects.count() == 0


def test_duplicates_in_the_register_or_in_the_batch_need_confirmation(cast):
    register = _incoming_register(cast)
    actor = cast.actor(cast.clerk)
    incoming_documents_register_bulk(actor=actor, register_id=register.pk, items=[_item(1)])
    # a repeat of a stored document (sender folded: case and diacritics ignored) and a repeat
    # inside the batch
    repeat = _item(1, sender_name="ỦY BAN NHÂN DÂN HUYỆN CAM LÂM")
    items = [_item(2), repeat, _item(3), _item(3)]
    with pytest.raises(Conflict) as caught:
        incoming_documents_register_bulk(actor=actor, register_id=register.pk, items=items)
    assert set(caught.value.fields) == {"items[1]", "items[3]"}
    assert "mục 3 của lô" in caught.value.fields["items[3]"][0]
    assert IncomingDocument.objects.count() == 1
    documents = incoming_documents_register_bulk(
        actor=actor, register_id=register.pk, items=items, confirm_duplicates=True
    )
    assert [d.arrival_number for d in documents] == [2, 3, 4, 5]


def test_numbers_stay_unique_when_a_register_lists_types(cast):
    # given a register restricted to Quyết định, a Công văn item is refused by name
    _incoming_register(cast)
    decisions = Register.objects.create(
        agency=cast.agency_a, kind=RegisterKind.INCOMING, name="Sổ quyết định đến"
    )
    decisions.document_types.add(document_type("quyet-dinh"))
    with pytest.raises(ValidationFailed) as caught:
        incoming_documents_register_bulk(
            actor=cast.actor(cast.clerk), register_id=decisions.pk, items=[_item(1)]
        )
    assert set(caught.value.fields) == {"items[0].document_type_id"}
    assert IncomingDocument.objects.count() == 0
    assert not RegisterCounter.objects.filter(register=decisions).exists()


@pytest.mark.django_db(transaction=True)
def test_batches_and_single_registrations_at_once_share_one_gap_free_series(cast, media):
    only_on_vendor("postgresql", "row locks (SELECT FOR UPDATE) are what this test exercises")
    # given 4 clerks importing batches and 4 registering one by one, all starting together
    register = _incoming_register(cast)
    actor = cast.actor(cast.clerk)
    start = threading.Barrier(8)
    errors: list[BaseException] = []
    batches: list[list[int]] = []

    def importer(worker: int) -> None:
        try:
            start.wait()
            for n in range(3):
                items = [_item(1000 * worker + 100 * n + k) for k in range(20)]
                documents = incoming_documents_register_bulk(
                    actor=actor, register_id=register.pk, items=items
                )
                batches.append([d.arrival_number for d in documents])
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    def single(worker: int) -> None:
        try:
            start.wait()
            for n in range(5):
                incoming_document_register(
                    actor=actor,
                    data=_item(50_000 + 100 * worker + n),
                    files=[("cv.pdf", pdf_bytes() + f"%{worker}-{n}".encode())],
                    channel=IntakeChannel.ELECTRONIC,
                )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=importer, args=(w,)) for w in range(4)]
    threads += [threading.Thread(target=single, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then 240 + 20 documents hold the numbers 1..260 once each, every batch in one run
    assert errors == []
    numbers = sorted(IncomingDocument.objects.values_list("arrival_number", flat=True))
    assert numbers == list(range(1, 261))
    assert all(b == list(range(b[0], b[0] + 20)) for b in batches)
    assert RegisterCounter.objects.get(register=register).last_number == 260
    assert journal_verify() == []

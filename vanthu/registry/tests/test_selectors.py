"""Selectors: every filter of the lists, keyset pages, and what each persona may see."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from vanthu.core.errors import NotFound, ValidationFailed
from vanthu.core.pagination import keyset_page
from vanthu.registry.choices import IncomingStatus, OutgoingStatus, RegisterKind, Urgency
from vanthu.registry.models import IncomingDocument
from vanthu.registry.selectors import (
    IncomingFilters,
    OutgoingFilters,
    document_file_get,
    document_type_list,
    field_list,
    incoming_get,
    incoming_list,
    outgoing_get,
    outgoing_list,
    register_list,
)
from vanthu.registry.tests.factories import (
    DocumentFileFactory,
    FieldFactory,
    IncomingDocumentFactory,
    OutgoingDocumentFactory,
    RegisterFactory,
    document_type,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def _ids(qs):
    return sorted(d.pk for d in qs)


def _incoming(cast, **kwargs):
    kwargs.setdefault("agency", cast.agency_a)
    kwargs.setdefault("registered_by", cast.clerk)
    return IncomingDocumentFactory(**kwargs)


@pytest.fixture
def clerk(cast):
    return cast.actor(cast.clerk)


def test_received_period_filter_uses_local_days(cast, clerk):
    # given documents received late on 1/11, on 2/11 and early on 3/11 (local time)
    late = _incoming(cast, entered_at=datetime(2026, 11, 1, 16, 59, tzinfo=HCM))
    middle = _incoming(cast, entered_at=datetime(2026, 11, 2, 7, 0, tzinfo=HCM))
    early = _incoming(cast, entered_at=datetime(2026, 11, 3, 7, 0, tzinfo=HCM))
    # when the list is filtered from 2/11 to 2/11, and from 2/11
    one_day = IncomingFilters(received_from=date(2026, 11, 2), received_to=date(2026, 11, 2))
    since = IncomingFilters(received_from=date(2026, 11, 2))
    until = IncomingFilters(received_to=date(2026, 11, 2))
    assert _ids(incoming_list(actor=clerk, filters=one_day)) == [middle.pk]
    assert _ids(incoming_list(actor=clerk, filters=since)) == _ids([middle, early])
    assert _ids(incoming_list(actor=clerk, filters=until)) == _ids([late, middle])


def test_each_incoming_filter_selects_its_documents(cast, clerk):
    field = FieldFactory(agency=cast.agency_a, name="Bưu chính")
    other_register = RegisterFactory(agency=cast.agency_a, name="Sổ văn bản mật")
    plain = _incoming(cast, sender_name="Sở Y tế", number="10", summary="V/v tiêm chủng")
    typed = _incoming(cast, document_type=document_type("quyet-dinh"))
    in_field = _incoming(cast, field=field)
    in_register = _incoming(cast, register=other_register)
    from_agency = _incoming(cast, sender_agency=cast.agency_b, sender_name="Sở Tài chính")
    urgent = _incoming(cast, urgency=Urgency.FLASH)
    done = _incoming(cast, done=True)
    overdue = _incoming(cast, overdue=True)
    late_but_done = _incoming(cast, done=True, due_date=timezone.localdate() - timedelta(days=5))
    due_later = _incoming(cast, in_progress=True, due_date=timezone.localdate() + timedelta(days=1))
    cases = {
        IncomingFilters(register_id=other_register.pk): [in_register],
        IncomingFilters(document_type_id=document_type("quyet-dinh").pk): [typed],
        IncomingFilters(field_id=field.pk): [in_field],
        IncomingFilters(sender=str(cast.agency_b.pk)): [from_agency],
        IncomingFilters(sender=cast.agency_b.pk): [from_agency],
        IncomingFilters(sender="y tế"): [plain],
        IncomingFilters(urgency=Urgency.FLASH): [urgent],
        IncomingFilters(status=IncomingStatus.DONE): [done, late_but_done],
        IncomingFilters(overdue=True): [overdue],
        IncomingFilters(q="tiêm chủng"): [plain],
    }
    for filters, expected in cases.items():
        assert _ids(incoming_list(actor=clerk, filters=filters)) == _ids(expected), filters
    everything = incoming_list(actor=clerk, filters=IncomingFilters())
    assert due_later.pk in _ids(everything)
    assert everything.count() == 10


def test_sorts_and_an_unknown_sort(cast, clerk):
    first = _incoming(cast, arrival_number=1, entered_at=timezone.now() - timedelta(hours=2))
    second = _incoming(cast, arrival_number=2, entered_at=timezone.now() - timedelta(hours=1))
    newest = incoming_list(actor=clerk, filters=IncomingFilters())
    by_number = incoming_list(actor=clerk, filters=IncomingFilters(sort="arrival_number"))
    assert [d.pk for d in newest] == [second.pk, first.pk]
    assert [d.pk for d in by_number] == [first.pk, second.pk]
    with pytest.raises(ValidationFailed):
        incoming_list(actor=clerk, filters=IncomingFilters(sort="summary; drop table"))


@pytest.mark.parametrize("sort", ["-received_at", "received_at", "-arrival_number", "due_date"])
def test_keyset_pages_have_no_duplicates_or_gaps(cast, clerk, sort):
    # given 23 documents, many sharing one received time and some without a due date
    moment = timezone.now().replace(microsecond=0)
    for n in range(23):
        _incoming(
            cast,
            entered_at=moment - timedelta(minutes=n % 4),
            due_date=None if n % 3 == 0 else timezone.localdate() + timedelta(days=n % 5),
        )
    qs = incoming_list(actor=clerk, filters=IncomingFilters(sort=sort))
    # when it is read five at a time
    seen, cursor, pages = [], None, 0
    while True:
        page = keyset_page(qs, after=cursor, size=5)
        seen.extend(d.pk for d in page.items)
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    # then every document comes exactly once, in the list's own order
    assert pages == 5
    assert seen == [d.pk for d in qs]
    assert len(set(seen)) == 23


def test_keyset_page_is_stable_when_documents_arrive(cast, clerk):
    for _ in range(6):
        _incoming(cast)
    qs = incoming_list(actor=clerk, filters=IncomingFilters())
    first = keyset_page(qs, after=None, size=3)
    # when a new document arrives between two pages
    _incoming(cast)
    second = keyset_page(qs, after=first.next_cursor, size=3)
    # then the second page continues after the first: no repeat, no gap
    assert not {d.pk for d in first.items} & {d.pk for d in second.items}
    assert len(second.items) == 3
    assert second.next_cursor is None


def test_a_forged_cursor_is_refused(cast, clerk):
    qs = incoming_list(actor=clerk, filters=IncomingFilters())
    for cursor in ("xyz", "WyIxIl0", "bm90IGpzb24"):
        with pytest.raises(ValidationFailed):
            keyset_page(qs, after=cursor, size=5)


def test_outgoing_filters(cast, clerk):
    draft = OutgoingDocumentFactory(agency=cast.agency_a, created_by=cast.clerk)
    issued = OutgoingDocumentFactory(
        agency=cast.agency_a,
        created_by=cast.clerk,
        issued=True,
        document_date=date(2026, 10, 5),
        urgency=Urgency.URGENT,
        summary="V/v tổng kết năm",
    )
    field = FieldFactory(agency=cast.agency_a)
    with_field = OutgoingDocumentFactory(
        agency=cast.agency_a,
        created_by=cast.clerk,
        field=field,
        document_type=document_type("bao-cao"),
    )
    cases = {
        OutgoingFilters(status=OutgoingStatus.DRAFT): [draft, with_field],
        OutgoingFilters(date_from=date(2026, 10, 1), date_to=date(2026, 10, 31)): [issued],
        OutgoingFilters(register_id=issued.register_id): [issued],
        OutgoingFilters(document_type_id=document_type("bao-cao").pk): [with_field],
        OutgoingFilters(field_id=field.pk): [with_field],
        OutgoingFilters(urgency=Urgency.URGENT): [issued],
        OutgoingFilters(q="tổng kết"): [issued],
    }
    for filters, expected in cases.items():
        assert _ids(outgoing_list(actor=clerk, filters=filters)) == _ids(expected), filters
    assert outgoing_get(actor=clerk, document_id=issued.pk) == issued


def test_outsiders_see_nothing_of_agency_a(cast):
    incoming = _incoming(cast)
    stored = DocumentFileFactory(incoming=incoming)
    outgoing = OutgoingDocumentFactory(agency=cast.agency_a, created_by=cast.clerk, issued=True)
    FieldFactory(agency=cast.agency_a)
    outsider = cast.actor(cast.outsider)
    # then agency A's documents are "not found" and absent from every list
    with pytest.raises(NotFound):
        incoming_get(actor=outsider, document_id=incoming.pk)
    with pytest.raises(NotFound):
        outgoing_get(actor=outsider, document_id=outgoing.pk)
    with pytest.raises(NotFound):
        document_file_get(actor=outsider, file_id=stored.pk)
    assert not incoming_list(actor=outsider, filters=IncomingFilters()).exists()
    assert not outgoing_list(actor=outsider, filters=OutgoingFilters()).exists()
    assert not register_list(actor=outsider).filter(agency=cast.agency_a).exists()
    assert not field_list(actor=outsider).exists()


@pytest.mark.parametrize("persona", ["clerk", "leader", "specialist", "unit_head", "archivist"])
def test_staff_of_agency_a_read_its_documents(cast, persona):
    incoming = _incoming(cast)
    stored = DocumentFileFactory(incoming=incoming)
    actor = cast.actor(getattr(cast, persona))
    assert incoming_get(actor=actor, document_id=incoming.pk) == incoming
    assert document_file_get(actor=actor, file_id=stored.pk) == stored
    assert _ids(incoming_list(actor=actor, filters=IncomingFilters())) == [incoming.pk]


def test_a_missing_document_is_not_found(cast, clerk):
    with pytest.raises(NotFound):
        incoming_get(actor=clerk, document_id=987654)


def test_registers_fields_and_types(cast, clerk):
    incoming = RegisterFactory(agency=cast.agency_a)
    outgoing = RegisterFactory(agency=cast.agency_a, kind=RegisterKind.OUTGOING)
    RegisterFactory(agency=cast.agency_a, name="Sổ cũ", is_active=False)
    RegisterFactory(agency=cast.agency_b)
    active = FieldFactory(agency=cast.agency_a, name="An toàn thông tin")
    retired = FieldFactory(agency=cast.agency_a, name="Báo chí", is_active=False)
    # Every agency has its defaults from creation: the two books and the legal normative series.
    assert [r.name for r in register_list(actor=clerk)] == [
        incoming.name,
        outgoing.name,
        "Sổ Quyết định (QPPL)",
        "Sổ Nghị quyết (QPPL)",
    ]
    assert list(register_list(actor=clerk, kind=RegisterKind.INCOMING)) == [incoming]
    assert all(r.agency_id == cast.agency_a.pk for r in register_list(actor=clerk))
    assert list(field_list(actor=clerk)) == [active]
    assert list(field_list(actor=clerk, include_inactive=True)) == [active, retired]
    types = list(document_type_list())
    assert types[0].code == "nghi-quyet"
    assert len(types) >= 35
    assert IncomingDocument.objects.count() == 0

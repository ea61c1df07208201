"""Numbering: gap-free under concurrency, numbers given back on rollback, yearly restart."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, transaction

from conftest import only_on_vendor
from vanthu.registry.choices import IntakeChannel, RegisterKind
from vanthu.registry.incoming import IncomingData, incoming_document_register
from vanthu.registry.models import IncomingDocument, Register, RegisterCounter
from vanthu.registry.numbering import number_take
from vanthu.registry.registers import register_for, registers_ensure_defaults
from vanthu.registry.tests.factories import (
    IncomingDocumentFactory,
    RegisterFactory,
    document_type,
    pdf_bytes,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


def _data(number: str, day) -> IncomingData:
    return IncomingData(
        sender_name="Sở Kế hoạch và Đầu tư",
        number=number,
        notation="SKHĐT-VP",
        document_date=day,
        document_type_id=document_type("cong-van").pk,
        summary=f"V/v góp ý dự thảo kế hoạch, lần {number}",
    )


@pytest.mark.django_db(transaction=True)
def test_200_registrations_from_20_threads_are_numbered_1_to_200(cast, media):
    only_on_vendor("postgresql", "row locks (SELECT FOR UPDATE) are what this test exercises")
    # given the agency's registers exist and 20 clerks' sessions start together
    registers_ensure_defaults(agency_id=cast.agency_a.pk)
    actor = cast.actor(cast.clerk)
    day = datetime.now(HCM).date() - timedelta(days=1)
    start = threading.Barrier(20)
    errors: list[BaseException] = []

    def clerk(worker: int) -> None:
        try:
            start.wait()
            for n in range(10):
                incoming_document_register(
                    actor=actor,
                    data=_data(f"{worker}-{n}", day),
                    files=[(f"van-ban-{worker}-{n}.pdf", pdf_bytes(1) + f"%{worker}-{n}".encode())],
                    channel=IntakeChannel.ELECTRONIC,
                )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk, args=(w,)) for w in range(20)]
    # when each registers 10 documents at the same time
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then every number from 1 to 200 is used exactly once
    assert errors == []
    numbers = sorted(IncomingDocument.objects.values_list("arrival_number", flat=True))
    assert numbers == list(range(1, 201))
    assert RegisterCounter.objects.get(register__kind=RegisterKind.INCOMING).last_number == 200


@pytest.mark.django_db
def test_a_rolled_back_registration_gives_its_number_back(cast):
    register = RegisterFactory(agency=cast.agency_a)
    with transaction.atomic():
        assert number_take(register=register, year=2026) == 1
    # when a transaction takes a number and then fails
    taken: list[int] = []

    def fail_after_taking() -> None:
        with transaction.atomic():
            taken.append(number_take(register=register, year=2026))
            raise RuntimeError("the file could not be stored")

    with pytest.raises(RuntimeError):
        fail_after_taking()
    assert taken == [2]
    # then the next registration gets that number again: no gap
    with transaction.atomic():
        assert number_take(register=register, year=2026) == 2


@pytest.mark.django_db
def test_a_failing_registration_gives_its_number_back(cast, media, monkeypatch):
    import vanthu.registry.incoming as module

    actor = cast.actor(cast.clerk)
    day = datetime.now(HCM).date()
    incoming_document_register(
        actor=actor, data=_data("1", day), files=[("a.pdf", pdf_bytes(1))], channel="electronic"
    )
    real = module.journal_record
    monkeypatch.setattr(module, "journal_record", lambda **kw: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        incoming_document_register(
            actor=actor, data=_data("2", day), files=[("b.pdf", pdf_bytes(2))], channel="electronic"
        )
    monkeypatch.setattr(module, "journal_record", real)
    third = incoming_document_register(
        actor=actor, data=_data("3", day), files=[("c.pdf", pdf_bytes(3))], channel="electronic"
    )
    assert third.arrival_number == 2


@pytest.mark.django_db
def test_numbers_restart_on_1_january(cast, media):
    actor = cast.actor(cast.clerk)

    def register(number: str, moment: datetime) -> IncomingDocument:
        with time_machine.travel(moment, tick=False):
            return incoming_document_register(
                actor=actor,
                data=_data(number, moment.date()),
                files=[(f"{number}.pdf", pdf_bytes(1) + number.encode())],
                channel=IntakeChannel.ELECTRONIC,
            )

    # given two documents received on 31 December 2026
    first = register("1", datetime(2026, 12, 31, 9, 0, tzinfo=HCM))
    second = register("2", datetime(2026, 12, 31, 10, 0, tzinfo=HCM))
    # when one enters after office hours that evening, and one on the first working day of 2027
    evening = register("3", datetime(2026, 12, 31, 18, 5, tzinfo=HCM))
    january = register("4", datetime(2027, 1, 4, 8, 0, tzinfo=HCM))
    # then 2026 ends at 2 and 2027 starts again from 1: the evening one is received in 2027
    assert [(d.year, d.arrival_number) for d in (first, second)] == [(2026, 1), (2026, 2)]
    assert evening.received_at == datetime(2027, 1, 4, 7, 0, tzinfo=HCM)  # 1/1/2027 is off
    assert [(d.year, d.arrival_number) for d in (evening, january)] == [(2027, 1), (2027, 2)]
    assert first.register_id == january.register_id


@pytest.mark.django_db(transaction=True)
def test_number_take_outside_a_transaction_is_refused(cast):
    register = RegisterFactory(agency=cast.agency_a)
    with pytest.raises(RuntimeError):
        number_take(register=register, year=2026)
    assert not RegisterCounter.objects.exists()


@pytest.mark.django_db
def test_numbers_continue_after_factory_made_documents(cast):
    document = IncomingDocumentFactory(agency=cast.agency_a, arrival_number=7)
    with transaction.atomic():
        assert number_take(register=document.register, year=document.year) == 8


@pytest.mark.django_db
def test_default_registers_are_created_once(cast):
    registers_ensure_defaults(agency_id=cast.agency_a.pk)
    registers_ensure_defaults(agency_id=cast.agency_a.pk)
    registers = Register.objects.filter(agency=cast.agency_a)
    assert sorted(registers.values_list("kind", "name")) == [
        (RegisterKind.INCOMING, "Sổ văn bản đến"),
        (RegisterKind.OUTGOING, "Sổ Nghị quyết (QPPL)"),
        (RegisterKind.OUTGOING, "Sổ Quyết định (QPPL)"),
        (RegisterKind.OUTGOING, "Sổ văn bản đi"),
    ]
    decisions = registers.get(name="Sổ Quyết định (QPPL)")
    assert decisions.is_legal_normative
    assert [t.code for t in decisions.document_types.all()] == ["quyet-dinh-qppl"]


@pytest.mark.django_db
def test_a_register_listing_the_type_wins_over_the_default(cast):
    registers_ensure_defaults(agency_id=cast.agency_a.pk)
    kwargs = {"agency_id": cast.agency_a.pk, "kind": RegisterKind.OUTGOING}
    legal = register_for(**kwargs, document_type=document_type("quyet-dinh-qppl"))
    plain = register_for(**kwargs, document_type=document_type("quyet-dinh"))
    incoming = register_for(
        agency_id=cast.agency_a.pk,
        kind=RegisterKind.INCOMING,
        document_type=document_type("quyet-dinh-qppl"),
    )
    assert (legal.name, plain.name, incoming.name) == (
        "Sổ Quyết định (QPPL)",
        "Sổ văn bản đi",
        "Sổ văn bản đến",
    )


@pytest.mark.django_db
def test_register_for_creates_the_defaults_when_missing(cast):
    register = register_for(
        agency_id=cast.agency_b.pk,
        kind=RegisterKind.INCOMING,
        document_type=document_type("cong-van"),
    )
    assert (register.agency_id, register.name) == (cast.agency_b.pk, "Sổ văn bản đến")

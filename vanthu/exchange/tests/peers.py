"""Drive one Vanthu instance of the two-instance tests: `python -m vanthu.exchange.tests.peers`.

`setup SIDE PEER_URL KEY SECRET`: agency A (000.00.12.H34) or B (000.00.13.H34) hosted here,
the other one `is_hosted=False` and served by the peer instance as partner. `send SIDE N
[PAUSE]`: the hosted agency's clerk issues and sends N documents to the other agency, PAUSE
seconds apart. `receive SIDE`: the clerk receives every awaiting document into the incoming
register (status 03). `update SIDE INDEX SUMMARY`: the clerk sends a correction of the INDEX-th
document sent (1 = the first): the summary SUMMARY and a new main file. `replace SIDE INDEX...`:
for each INDEX the clerk issues a new document, marks it as replacing the INDEX-th one and sends
it. `decide SIDE accept|refuse NOTE [accept|refuse NOTE...]`: the clerk decides the pending
requests of the sender (take back, update, replacement), in the order of the DocumentId of the
document they apply to, the first with the first verdict and so on (a refusal with the reason
NOTE); the last verdict applies to any further one.
"""

from __future__ import annotations

import os
import sys
import time

AGENCIES = {
    "a": ("000.00.12.H34", "Sở Thông tin và Truyền thông", "STTTT"),
    "b": ("000.00.13.H34", "Sở Tài chính", "STC"),
}


def _setup(side: str, peer_url: str, key_id: str, secret: str) -> None:
    from vanthu.exchange.models import Partner
    from vanthu.organizations.choices import Role
    from vanthu.organizations.tests.factories import AgencyFactory, PersonFactory, UnitFactory

    other = "b" if side == "a" else "a"
    identifier, name, short = AGENCIES[side]
    hosted = AgencyFactory(identifier=identifier, name=name, short_name=short, is_hosted=True)
    o_identifier, o_name, o_short = AGENCIES[other]
    AgencyFactory(identifier=o_identifier, name=o_name, short_name=o_short, is_hosted=False)
    unit = UnitFactory(agency=hosted, name="Văn phòng Sở", short_name="VP")
    PersonFactory(username=f"vanthu.{side}", agency=hosted, roles=[Role.CLERK], roles__unit=unit)
    Partner.objects.create(
        name=f"Vanthu {other.upper()}",
        base_url=peer_url,
        agency_identifiers=o_identifier,
        key_id=key_id,
        secret=secret,
    )


def _clerk_actor(side: str):  # type: ignore[no-untyped-def]
    from vanthu.organizations.actors import actor_for_person
    from vanthu.organizations.models import Person

    return actor_for_person(Person.objects.get(username=f"vanthu.{side}"), ip_address="127.0.0.1")


def _send(side: str, count: int, pause: float = 0.0) -> None:
    from vanthu.exchange.tests.scenarios import pdf_bytes
    from vanthu.organizations.models import Agency, Unit
    from vanthu.registry.models import DocumentType
    from vanthu.registry.outgoing import (
        OutgoingData,
        RecipientData,
        outgoing_document_create,
        outgoing_document_issue,
        outgoing_document_mark_sent,
    )

    actor = _clerk_actor(side)
    other = Agency.objects.get(is_hosted=False)
    unit = Unit.objects.get(agency__is_hosted=True)
    cong_van = DocumentType.objects.get(code="cong-van").pk
    for index in range(count):
        draft = outgoing_document_create(
            actor=actor,
            data=OutgoingData(
                document_type_id=cong_van,
                summary=f"V/v liên thông văn bản số {index + 1}",
                drafting_unit_id=unit.pk,
                signer_name="Phạm Minh Giám",
                signer_position="Giám đốc",
                page_count=1,
            ),
            recipients=[RecipientData(agency_id=other.pk)],
            files=[("cong-van.pdf", pdf_bytes())],
        )
        outgoing_document_issue(actor=actor, document_id=draft.pk)
        outgoing_document_mark_sent(actor=actor, document_id=draft.pk)
        if pause:
            time.sleep(pause)


def _receive(side: str) -> None:
    from vanthu.exchange import services
    from vanthu.exchange.choices import ReceptionState
    from vanthu.exchange.models import Reception

    actor = _clerk_actor(side)
    for reception in Reception.objects.filter(state=ReceptionState.AWAITING):
        services.reception_receive(actor=actor, reception_id=reception.pk)


def _sent(index: int):  # type: ignore[no-untyped-def]
    from vanthu.registry.models import OutgoingDocument

    documents = OutgoingDocument.objects.filter(agency__is_hosted=True, sent_at__isnull=False)
    return documents.order_by("id")[index - 1]


def _update(side: str, index: int, summary: str) -> None:
    from vanthu.exchange.changes import update_send
    from vanthu.exchange.tests.scenarios import pdf_bytes

    update_send(
        actor=_clerk_actor(side),
        document_id=_sent(index).pk,
        reason="Đính chính trích yếu và tệp văn bản",
        changes={"summary": summary},
        files=[("cong-van-dinh-chinh.pdf", pdf_bytes(2))],
    )


def _replace(side: str, *indexes: int) -> None:
    actor = _clerk_actor(side)
    for old in [_sent(index) for index in indexes]:
        _replace_one(actor, old)


def _replace_one(actor, old) -> None:  # type: ignore[no-untyped-def]
    from vanthu.exchange.changes import replacement_mark
    from vanthu.exchange.tests.scenarios import pdf_bytes
    from vanthu.organizations.models import Agency, Unit
    from vanthu.registry.models import DocumentType
    from vanthu.registry.outgoing import (
        OutgoingData,
        RecipientData,
        outgoing_document_create,
        outgoing_document_issue,
        outgoing_document_mark_sent,
    )

    draft = outgoing_document_create(
        actor=actor,
        data=OutgoingData(
            document_type_id=DocumentType.objects.get(code="cong-van").pk,
            summary=f"V/v thay thế văn bản {old.number_notation}",
            drafting_unit_id=Unit.objects.get(agency__is_hosted=True).pk,
            signer_name="Phạm Minh Giám",
            signer_position="Giám đốc",
            page_count=1,
        ),
        recipients=[RecipientData(agency_id=Agency.objects.get(is_hosted=False).pk)],
        files=[("cong-van-thay-the.pdf", pdf_bytes())],
    )
    outgoing_document_issue(actor=actor, document_id=draft.pk)
    replacement_mark(
        actor=actor, document_id=draft.pk, replaces_id=old.pk, reason="Ban hành văn bản thay thế"
    )
    outgoing_document_mark_sent(actor=actor, document_id=draft.pk)


def _decide(side: str, *verdicts: str) -> None:
    from vanthu.exchange import services
    from vanthu.exchange.choices import ChangeState
    from vanthu.exchange.models import ChangeRequest

    actor = _clerk_actor(side)
    pending = ChangeRequest.objects.filter(state=ChangeState.PENDING)
    pairs = list(zip(verdicts[::2], verdicts[1::2], strict=True))
    for index, request in enumerate(pending.order_by("reception__document_id", "id")):
        verdict, note = pairs[min(index, len(pairs) - 1)]
        services.change_request_decide(
            actor=actor, request_id=request.pk, accept=verdict == "accept", note=note
        )


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanthu.config.settings")
    import django

    django.setup()
    command, side, *rest = argv
    if command == "setup":
        _setup(side, *rest)
    elif command == "send":
        _send(side, int(rest[0]) if rest else 1, float(rest[1]) if len(rest) > 1 else 0.0)
    elif command == "receive":
        _receive(side)
    elif command == "update":
        _update(side, int(rest[0]), rest[1])
    elif command == "replace":
        _replace(side, *(int(index) for index in rest))
    elif command == "decide":
        _decide(side, *rest)
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])

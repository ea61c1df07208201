"""Delivery between two agencies of one instance: arrival, reception, return, status, take-back."""

from __future__ import annotations

import hashlib

import pytest
from django.utils import timezone

from vanthu.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from vanthu.core.models import JournalEntry
from vanthu.exchange import services as x
from vanthu.exchange.choices import (
    ChangeState,
    DeliveryState,
    OutboxKind,
    ReceptionState,
    Route,
    StatusCode,
)
from vanthu.exchange.models import ChangeRequest, Delivery, OutboxMessage, Reception
from vanthu.exchange.tasks import reception_files_check_run
from vanthu.organizations.tests.factories import AgencyFactory
from vanthu.registry.choices import IncomingStatus, IntakeChannel
from vanthu.registry.models import DocumentFile, DocumentType, IncomingDocument
from vanthu.registry.outgoing import (
    OutgoingData,
    RecipientData,
    outgoing_document_create,
    outgoing_document_issue,
    outgoing_document_mark_sent,
    outgoing_document_revoke,
)
from vanthu.registry.tests.factories import pdf_bytes
from vanthu.workflow import handling as h
from vanthu.workflow.choices import AssignmentRole, NotificationKind
from vanthu.workflow.models import Notification

pytestmark = pytest.mark.django_db

TEXT = pdf_bytes(2)


def _issue(cast, *, recipients=None, urgency="normal"):
    """The clerk of agency A issues and sends a Công văn to agency B (or the given places)."""
    clerk = cast.actor(cast.clerk)
    draft = outgoing_document_create(
        actor=clerk,
        data=OutgoingData(
            document_type_id=DocumentType.objects.get(code="cong-van").pk,
            summary="V/v đề nghị cung cấp số liệu chuyển đổi số",
            drafting_unit_id=cast.office_a.pk,
            signer_name="Phạm Minh Giám",
            signer_position="Giám đốc",
            urgency=urgency,
        ),
        recipients=recipients
        or [RecipientData(agency_id=cast.agency_b.pk), RecipientData(place="Lưu: VT")],
        files=[("cong-van.pdf", TEXT)],
    )
    outgoing_document_issue(actor=clerk, document_id=draft.pk)
    return outgoing_document_mark_sent(actor=clerk, document_id=draft.pk)


def _codes(delivery: Delivery) -> list[str]:
    return list(delivery.events.values_list("code", flat=True))


def test_issuing_delivers_at_once_to_a_hosted_agency(cast):
    # when agency A issues and sends a document to agency B, hosted here
    document = _issue(cast)
    # then B's clerk finds it awaiting reception, with the sender's metadata and the same bytes
    delivery = Delivery.objects.get(outgoing=document)
    assert (delivery.route, delivery.state) == (Route.LOCAL, DeliveryState.DELIVERED)
    reception = Reception.objects.get(agency=cast.agency_b)
    assert reception.state == ReceptionState.AWAITING
    assert reception.document_id == (
        f"{cast.agency_a.identifier},{document.document_date:%Y/%m/%d},{document.number_notation}"
    )
    assert reception.metadata["summary"] == document.summary
    (stored,) = reception.files.all()
    assert stored.is_main
    assert stored.sha256 == hashlib.sha256(TEXT).hexdigest()
    # and the sender sees "01 arrived" at once, at the sending time (Điều 10.1)
    assert _codes(delivery) == [StatusCode.ARRIVED]
    assert delivery.status_code == StatusCode.ARRIVED
    assert delivery.delivered_at == document.sent_at
    # and B's clerk is told; nobody of A is
    assert Notification.objects.filter(
        person=cast.outsider, kind=NotificationKind.EXCHANGE_ARRIVED
    ).exists()
    assert not Notification.objects.filter(
        person=cast.clerk, kind=NotificationKind.EXCHANGE_ARRIVED
    ).exists()


def test_filing_copies_free_text_places_and_the_own_agency_get_no_delivery(cast):
    document = _issue(
        cast,
        recipients=[
            RecipientData(place="Văn phòng UBND tỉnh"),
            RecipientData(agency_id=cast.agency_a.pk),
            RecipientData(place="Lưu: VT", is_filing_copy=True),
        ],
    )
    assert not Delivery.objects.filter(outgoing=document).exists()
    assert document.sent_at is not None


def test_a_partner_agency_waits_in_the_outbox(cast):
    partner = AgencyFactory(identifier="000.00.00.G22", name="Văn phòng Chính phủ", is_hosted=False)
    document = _issue(
        cast,
        recipients=[RecipientData(agency_id=cast.agency_b.pk), RecipientData(agency_id=partner.pk)],
    )
    states = dict(Delivery.objects.filter(outgoing=document).values_list("route", "state"))
    assert states == {Route.LOCAL: DeliveryState.DELIVERED, Route.PARTNER: DeliveryState.PENDING}
    assert Delivery.objects.get(route=Route.PARTNER).delivered_at is None


def test_the_signatures_of_arrived_files_are_checked_without_changing_them(cast):
    _issue(cast)
    reception = Reception.objects.get()
    assert reception_files_check_run(reception.pk) == 1
    stored = reception.files.get()
    assert stored.signature_status == "unsigned"
    with stored.file.open("rb") as handle:
        assert handle.read() == TEXT


def test_receiving_registers_it_in_the_incoming_register_and_reports_03(cast):
    document = _issue(cast)
    reception = Reception.objects.get()
    incoming = x.reception_receive(actor=cast.actor(cast.outsider), reception_id=reception.pk)
    assert incoming.agency == cast.agency_b
    assert incoming.channel == IntakeChannel.EXCHANGE
    assert (incoming.sender_agency, incoming.number, incoming.notation) == (
        cast.agency_a,
        f"{document.number:02d}",
        document.notation,
    )
    assert incoming.summary == document.summary
    file = DocumentFile.objects.get(incoming=incoming)
    assert file.sha256 == hashlib.sha256(TEXT).hexdigest()
    reception.refresh_from_db()
    assert (reception.state, reception.incoming) == (ReceptionState.RECEIVED, incoming)
    delivery = Delivery.objects.get()
    assert _codes(delivery) == [StatusCode.ARRIVED, StatusCode.REGISTERED]
    assert delivery.status_description == f"Số đến {incoming.arrival_number}"


def test_the_clerk_may_correct_the_metadata_before_receiving(cast):
    _issue(cast)
    reception = Reception.objects.get()
    data = x.reception_data(reception)
    corrected = type(data)(**{**data.__dict__, "summary": "V/v cung cấp số liệu (sửa)"})
    incoming = x.reception_receive(
        actor=cast.actor(cast.outsider), reception_id=reception.pk, data=corrected
    )
    assert incoming.summary == "V/v cung cấp số liệu (sửa)"


def test_returning_needs_a_reason_reports_02_and_tells_the_sender(cast):
    _issue(cast)
    reception = Reception.objects.get()
    b = cast.actor(cast.outsider)
    with pytest.raises(ValidationFailed):
        x.reception_return(actor=b, reception_id=reception.pk, reason="  ")
    x.reception_return(actor=b, reception_id=reception.pk, reason="Gửi nhầm cơ quan.")
    delivery = Delivery.objects.get()
    assert delivery.status_code == StatusCode.RETURNED
    assert delivery.status_description == "Gửi nhầm cơ quan."
    notice = Notification.objects.get(person=cast.clerk, kind=NotificationKind.EXCHANGE_STATUS)
    assert "Gửi nhầm cơ quan." in notice.title
    # and a returned document cannot be received any more
    with pytest.raises(InvalidTransition):
        x.reception_receive(actor=b, reception_id=reception.pk)
    assert not IncomingDocument.objects.filter(agency=cast.agency_b).exists()


@pytest.mark.parametrize("persona", ["clerk", "leader", "specialist", "agency_admin"])
def test_only_the_recipients_clerk_acts_on_a_reception(cast, persona):
    _issue(cast)
    reception = Reception.objects.get()
    journal = JournalEntry.objects.count()
    with pytest.raises((NotFound, PermissionDenied)):
        x.reception_receive(actor=cast.actor(getattr(cast, persona)), reception_id=reception.pk)
    with pytest.raises((NotFound, PermissionDenied)):
        x.reception_return(
            actor=cast.actor(getattr(cast, persona)), reception_id=reception.pk, reason="Không"
        )
    reception.refresh_from_db()
    assert reception.state == ReceptionState.AWAITING
    assert JournalEntry.objects.count() == journal


def test_handling_at_the_recipient_reports_04_05_06_once_each(cast, settings):
    # given B received it; B's people are the cast's outsiders: make B's clerk lead it
    from vanthu.organizations.choices import Role
    from vanthu.organizations.models import RoleGrant
    from vanthu.organizations.tests.factories import PersonFactory

    _issue(cast)
    reception = Reception.objects.get()
    b_clerk = cast.actor(cast.outsider)
    incoming = x.reception_receive(actor=b_clerk, reception_id=reception.pk)
    leader_b = PersonFactory(agency=cast.agency_b, roles=[Role.LEADER])
    RoleGrant.objects.create(person=cast.outsider, agency=cast.agency_b, role=Role.SPECIALIST)
    b_clerk = cast.actor(cast.outsider)
    submission = h.submission_create(actor=b_clerk, incoming_id=incoming.pk, leader_id=leader_b.pk)
    (lead,) = h.direction_give(
        actor=cast.actor(leader_b),
        submission_id=submission.pk,
        note="Đồng chí xử lý.",
        assignees=[h.AssigneeData(AssignmentRole.LEAD, person_id=cast.outsider.pk)],
        due_working_days=3,
    )
    h.assignment_accept(actor=b_clerk, assignment_id=lead.pk)
    h.assignment_progress(actor=b_clerk, assignment_id=lead.pk, note="Đang tổng hợp.")
    h.assignment_complete(actor=b_clerk, assignment_id=lead.pk, result="Đã cung cấp số liệu.")
    delivery = Delivery.objects.get()
    assert _codes(delivery) == ["01", "03", "04", "05", "06"]
    assert delivery.status_code == StatusCode.DONE
    assert IncomingDocument.objects.get(pk=incoming.pk).status == IncomingStatus.DONE


def test_revoking_asks_the_recipient_who_accepts_and_the_document_leaves_use(cast):
    document = _issue(cast)
    reception = Reception.objects.get()
    b = cast.actor(cast.outsider)
    incoming = x.reception_receive(actor=b, reception_id=reception.pk)
    outgoing_document_revoke(
        actor=cast.actor(cast.clerk), document_id=document.pk, reason="Sai số liệu phụ lục."
    )
    request = ChangeRequest.objects.get()
    assert request.reason == "Sai số liệu phụ lục."
    assert Notification.objects.filter(
        person=cast.outsider, kind=NotificationKind.EXCHANGE_CHANGE, is_urgent=True
    ).exists()
    x.change_request_decide(actor=b, request_id=request.pk, accept=True)
    incoming.refresh_from_db()
    assert incoming.status == IncomingStatus.REVOKED
    assert incoming.summary == document.summary  # the metadata stays (NĐ 30)
    delivery = Delivery.objects.get()
    assert _codes(delivery) == ["01", "03", "13", "15"]
    assert Notification.objects.filter(
        person=cast.clerk, kind=NotificationKind.EXCHANGE_STATUS
    ).exists()
    with pytest.raises(InvalidTransition):
        x.change_request_decide(actor=b, request_id=request.pk, accept=False, note="Không")


def test_refusing_a_take_back_needs_a_reason_and_reports_16(cast):
    document = _issue(cast)
    reception = Reception.objects.get()
    outgoing_document_revoke(actor=cast.actor(cast.clerk), document_id=document.pk, reason="Nhầm")
    request = ChangeRequest.objects.get()
    b = cast.actor(cast.outsider)
    with pytest.raises(ValidationFailed):
        x.change_request_decide(actor=b, request_id=request.pk, accept=False)
    x.change_request_decide(
        actor=b, request_id=request.pk, accept=False, note="Văn bản đã được thực hiện."
    )
    request.refresh_from_db()
    assert request.state == ChangeState.REFUSED
    reception.refresh_from_db()
    assert reception.state == ReceptionState.AWAITING
    assert Delivery.objects.get().status_code == StatusCode.CHANGE_REFUSED


def test_a_take_back_of_an_awaiting_document_takes_it_out_of_the_queue(cast):
    document = _issue(cast)
    outgoing_document_revoke(actor=cast.actor(cast.clerk), document_id=document.pk, reason="Nhầm")
    x.change_request_decide(
        actor=cast.actor(cast.outsider), request_id=ChangeRequest.objects.get().pk, accept=True
    )
    assert Reception.objects.get().state == ReceptionState.REVOKED
    assert not IncomingDocument.objects.filter(agency=cast.agency_b).exists()


def test_a_take_back_to_a_partner_system_waits_in_the_outbox(cast):
    partner = AgencyFactory(identifier="000.00.00.G22", is_hosted=False)
    document = _issue(cast, recipients=[RecipientData(agency_id=partner.pk)])
    outgoing_document_revoke(actor=cast.actor(cast.clerk), document_id=document.pk, reason="Nhầm")
    message = OutboxMessage.objects.get()
    assert (message.kind, message.code, message.peer_identifier) == (
        OutboxKind.TAKE_BACK,
        StatusCode.TAKE_BACK_REQUESTED,
        partner.identifier,
    )


def test_statuses_never_go_back_and_unknown_codes_are_refused(cast):
    _issue(cast)
    delivery = Delivery.objects.get()
    now = timezone.now()
    x.status_record(delivery=delivery, code="05", at=now)
    x.status_record(delivery=delivery, code="03", at=now)  # late arrival of an older report
    delivery.refresh_from_db()
    assert delivery.status_code == "05"
    with pytest.raises(ValidationFailed):
        x.status_record(delivery=delivery, code="99", at=now)
    assert _codes(delivery) == ["01", "05", "03"]


def test_a_clerk_of_both_agencies_receives_only_while_acting_for_the_recipient(cast):
    from vanthu.organizations.choices import Role
    from vanthu.organizations.models import RoleGrant

    _issue(cast)
    reception = Reception.objects.get()
    RoleGrant.objects.create(
        person=cast.clerk, agency=cast.agency_b, unit=cast.unit_b, role=Role.CLERK
    )
    acting_for_a = cast.actor(cast.clerk)
    assert acting_for_a.agency_id == cast.agency_a.pk
    with pytest.raises(PermissionDenied):
        x.reception_receive(actor=acting_for_a, reception_id=reception.pk)
    assert not IncomingDocument.objects.filter(summary=reception.metadata["summary"]).exists()
    from vanthu.organizations.actors import actor_for_person

    acting_for_b = actor_for_person(cast.clerk, agency_id=cast.agency_b.pk)
    incoming = x.reception_receive(actor=acting_for_b, reception_id=reception.pk)
    assert incoming.agency == cast.agency_b


def test_a_reception_is_matched_to_the_document_registered_by_hand(cast):
    from vanthu.registry.incoming import IncomingData, incoming_document_register

    document = _issue(cast)
    reception = Reception.objects.get()
    b = cast.actor(cast.outsider)
    by_hand = incoming_document_register(
        actor=b,
        data=IncomingData(
            document_date=document.document_date,
            document_type_id=document.document_type_id,
            summary=document.summary,
            sender_agency_id=cast.agency_a.pk,
            number=f"{document.number:02d}",
            notation=document.notation,
        ),
        files=[("cong-van.pdf", TEXT)],
        channel=IntakeChannel.ELECTRONIC,
    )
    x.reception_match(actor=b, reception_id=reception.pk, incoming_id=by_hand.pk)
    reception.refresh_from_db()
    assert (reception.state, reception.incoming) == (ReceptionState.RECEIVED, by_hand)
    assert Delivery.objects.get().status_code == StatusCode.REGISTERED
    assert IncomingDocument.objects.filter(agency=cast.agency_b).count() == 1
    # an incoming document is matched once, and another agency's is not found
    second = _issue(cast)
    with pytest.raises(NotFound):
        x.reception_match(
            actor=b,
            reception_id=Reception.objects.get(delivery__outgoing=second).pk,
            incoming_id=by_hand.pk,
        )

"""Update (type 2) and replacement (type 3) of a sent document between two hosted agencies."""

from __future__ import annotations

import datetime as dt

import pytest

from vanthu.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from vanthu.core.models import JournalEntry
from vanthu.exchange import changes as c
from vanthu.exchange import services as x
from vanthu.exchange.choices import BusinessType, ChangeState, ReceptionState, StatusCode
from vanthu.exchange.models import ChangeRequest, Delivery, OutboxMessage, Reception
from vanthu.exchange.tests.scenarios import issue, pdf_bytes, reception_of
from vanthu.organizations.tests.factories import AgencyFactory
from vanthu.registry.choices import IncomingStatus
from vanthu.registry.models import DocumentType
from vanthu.registry.outgoing import (
    OutgoingData,
    RecipientData,
    outgoing_document_create,
    outgoing_document_issue,
    outgoing_document_mark_sent,
    outgoing_document_revoke,
)
from vanthu.workflow.choices import NotificationKind
from vanthu.workflow.models import Notification

pytestmark = pytest.mark.django_db


def _codes(delivery: Delivery) -> list[str]:
    return list(delivery.events.values_list("code", flat=True))


def _issued(cast, recipients):
    """Agency A's clerk issues a document (not sent yet)."""
    actor = cast.actor(cast.clerk)
    draft = outgoing_document_create(
        actor=actor,
        data=OutgoingData(
            document_type_id=DocumentType.objects.get(code="cong-van").pk,
            summary="V/v thay thế công văn về số liệu",
            drafting_unit_id=cast.office_a.pk,
            signer_name="Phạm Minh Giám",
            signer_position="Giám đốc",
        ),
        recipients=recipients,
        files=[("thay-the.pdf", pdf_bytes())],
    )
    return outgoing_document_issue(actor=actor, document_id=draft.pk)


# --- Update (2) ------------------------------------------------------------------------------


def test_an_update_of_an_awaiting_document_applies_to_the_reception_and_keeps_the_old_files(cast):
    document = issue(cast)
    reception = reception_of(document)
    old_file = reception.files.get()
    a = cast.actor(cast.clerk)
    change = c.update_send(
        actor=a,
        document_id=document.pk,
        reason="Sửa trích yếu và hạn xử lý",
        changes={"summary": "V/v cung cấp số liệu chuyển đổi số (đính chính)", "due_date": None},
        files=[("cong-van-sua.pdf", pdf_bytes())],
    )
    request = ChangeRequest.objects.get()
    assert (request.reception, request.business_type) == (reception, BusinessType.UPDATE)
    assert request.replacement.state == ReceptionState.UPDATE
    # the update is not a document of the queue, but the clerk is told
    assert Reception.objects.filter(state=ReceptionState.AWAITING).count() == 1
    assert Notification.objects.filter(
        person=cast.outsider, kind=NotificationKind.EXCHANGE_CHANGE
    ).exists()
    delivery = change.deliveries.get()
    assert delivery.business_type == BusinessType.UPDATE
    assert _codes(delivery) == ["13"]
    x.change_request_decide(actor=cast.actor(cast.outsider), request_id=request.pk, accept=True)
    reception.refresh_from_db()
    assert reception.metadata["summary"] == "V/v cung cấp số liệu chuyển đổi số (đính chính)"
    assert reception.state == ReceptionState.AWAITING
    files = list(reception.files.order_by("id"))
    assert [f.is_current for f in files] == [False, True]
    assert files[0].pk == old_file.pk
    assert files[0].file.read()
    entry = JournalEntry.objects.get(action="exchange.reception.update")
    assert entry.before["metadata"]["summary"] == document.summary
    assert _codes(delivery) == ["13", "15"]
    # receiving it registers the corrected metadata and only the current file
    incoming = x.reception_receive(actor=cast.actor(cast.outsider), reception_id=reception.pk)
    assert incoming.summary.endswith("(đính chính)")
    assert [f.original_name for f in incoming.files.all()] == ["cong-van-sua.pdf"]


def test_an_update_of_a_registered_document_amends_it_and_keeps_what_was_there(cast):
    document = issue(cast)
    reception = reception_of(document)
    b = cast.actor(cast.outsider)
    incoming = x.reception_receive(actor=b, reception_id=reception.pk)
    c.update_send(
        actor=cast.actor(cast.clerk),
        document_id=document.pk,
        reason="Gửi lại tệp có chữ ký số",
        changes={"urgency": "urgent"},
        files=[("cong-van-ky-so.pdf", pdf_bytes())],
    )
    request = ChangeRequest.objects.get()
    x.change_request_decide(actor=b, request_id=request.pk, accept=True)
    incoming.refresh_from_db()
    assert incoming.urgency == "urgent"
    assert incoming.status != IncomingStatus.REVOKED
    files = list(incoming.files.order_by("id"))
    assert [(f.original_name, f.is_current) for f in files] == [
        ("cong-van.pdf", False),
        ("cong-van-ky-so.pdf", True),
    ]
    entry = JournalEntry.objects.get(action="registry.incoming.amend")
    assert entry.before["urgency"] == "normal"
    assert entry.after["urgency"] == "urgent"
    assert "Cập nhật theo yêu cầu nơi gửi" in incoming.notes


def test_refusing_an_update_needs_a_reason_reports_16_and_changes_nothing(cast):
    document = issue(cast)
    reception = reception_of(document)
    change = c.update_send(
        actor=cast.actor(cast.clerk),
        document_id=document.pk,
        reason="Sửa người ký",
        changes={"signer_name": "Trần Văn Ký"},
    )
    request = ChangeRequest.objects.get()
    b = cast.actor(cast.outsider)
    with pytest.raises(ValidationFailed):
        x.change_request_decide(actor=b, request_id=request.pk, accept=False)
    x.change_request_decide(actor=b, request_id=request.pk, accept=False, note="Đã xử lý xong.")
    reception.refresh_from_db()
    assert reception.metadata["signer_name"] == "Phạm Minh Giám"
    delivery = change.deliveries.get()
    assert delivery.status_code == StatusCode.CHANGE_REFUSED
    assert delivery.status_description == "Đã xử lý xong."
    assert Notification.objects.filter(
        person=cast.clerk, kind=NotificationKind.EXCHANGE_STATUS
    ).exists()


def test_an_update_must_change_something_and_only_the_senders_clerk_sends_it(cast):
    document = issue(cast)
    a = cast.actor(cast.clerk)
    with pytest.raises(ValidationFailed) as error:
        c.update_send(actor=a, document_id=document.pk, reason="", changes={"summary": "Mới"})
    assert "reason" in error.value.fields
    with pytest.raises(ValidationFailed):
        c.update_send(
            actor=a,
            document_id=document.pk,
            reason="Không gì",
            changes={"summary": document.summary},
        )
    with pytest.raises(ValidationFailed) as error:
        c.update_send(actor=a, document_id=document.pk, reason="Sai", changes={"number": "99"})
    assert "number" in error.value.fields
    with pytest.raises(ValidationFailed):
        c.update_send(
            actor=a,
            document_id=document.pk,
            reason="Tệp hỏng",
            changes={},
            files=[("gia.pdf", b"not a pdf")],
        )
    with pytest.raises(NotFound):
        c.update_send(
            actor=cast.actor(cast.outsider),
            document_id=document.pk,
            reason="Sửa",
            changes={"summary": "Khác"},
        )
    with pytest.raises(PermissionDenied):
        c.update_send(
            actor=cast.actor(cast.specialist),
            document_id=document.pk,
            reason="Sửa",
            changes={"summary": "Khác"},
        )
    assert not ChangeRequest.objects.exists()


def test_an_update_to_a_partner_system_waits_in_the_outbox(cast):
    partner = AgencyFactory(identifier="000.00.00.G22", is_hosted=False)
    document = issue(cast)
    # a second, remote recipient: its delivery is added to the document's
    Delivery.objects.create(
        agency=cast.agency_a,
        outgoing=document,
        recipient=partner,
        recipient_identifier=partner.identifier,
        recipient_name=partner.name,
        route="partner",
    )
    change = c.update_send(
        actor=cast.actor(cast.clerk),
        document_id=document.pk,
        reason="Sửa hạn",
        changes={"due_date": dt.date(2027, 1, 15)},
    )
    remote = change.deliveries.get(recipient=partner)
    assert (remote.state, remote.business_type) == ("pending", BusinessType.UPDATE)
    assert _codes(remote) == ["13"]
    assert not OutboxMessage.objects.exists()


# --- Replacement (3) -------------------------------------------------------------------------


def test_a_replacement_reaches_the_old_recipients_and_accepting_swaps_the_documents(cast):
    old = issue(cast)
    old_reception = reception_of(old)
    b = cast.actor(cast.outsider)
    old_incoming = x.reception_receive(actor=b, reception_id=old_reception.pk)
    other = AgencyFactory(identifier="000.00.14.H34", is_hosted=True)
    new = _issued(cast, [RecipientData(agency_id=other.pk)])
    a = cast.actor(cast.clerk)
    assert old in c.replaceable_documents(actor=a, document=new)
    c.replacement_mark(actor=a, document_id=new.pk, replaces_id=old.pk, reason="Sai số liệu")
    outgoing_document_mark_sent(actor=a, document_id=new.pk)
    # B (old recipient) gets it as a replacement; the new recipient as a new document
    by_recipient = {d.recipient_id: d for d in Delivery.objects.filter(outgoing=new)}
    assert by_recipient[cast.agency_b.pk].business_type == BusinessType.REPLACE
    assert by_recipient[other.pk].business_type == BusinessType.NEW
    request = ChangeRequest.objects.get()
    assert request.reception == old_reception
    new_reception = request.replacement
    assert new_reception.state == ReceptionState.AWAITING
    x.change_request_decide(actor=b, request_id=request.pk, accept=True, note="Đồng ý")
    old_reception.refresh_from_db()
    old_incoming.refresh_from_db()
    new_reception.refresh_from_db()
    assert old_reception.state == ReceptionState.REPLACED
    assert old_incoming.status == IncomingStatus.REVOKED
    assert old_incoming.summary == old.summary  # metadata kept (NĐ 30)
    assert "thay thế" in old_incoming.notes
    assert new_reception.state == ReceptionState.RECEIVED
    assert new_reception.incoming.summary == new.summary
    assert _codes(by_recipient[cast.agency_b.pk]) == ["01", "13", "15", "03"]
    # the old one cannot be replaced twice
    third = _issued(cast, [RecipientData(agency_id=cast.agency_b.pk)])
    assert list(c.replaceable_documents(actor=a, document=third)) == [new]


def test_refusing_a_replacement_leaves_both_documents_and_reports_16(cast):
    old = issue(cast)
    old_reception = reception_of(old)
    new = _issued(cast, [RecipientData(agency_id=cast.agency_b.pk)])
    a = cast.actor(cast.clerk)
    c.replacement_mark(actor=a, document_id=new.pk, replaces_id=old.pk, reason="Sai số liệu")
    outgoing_document_mark_sent(actor=a, document_id=new.pk)
    request = ChangeRequest.objects.get()
    x.change_request_decide(
        actor=cast.actor(cast.outsider), request_id=request.pk, accept=False, note="Không rõ"
    )
    old_reception.refresh_from_db()
    assert old_reception.state == ReceptionState.AWAITING
    assert request.replacement.state == ReceptionState.AWAITING
    delivery = Delivery.objects.get(outgoing=new)
    assert delivery.status_code == StatusCode.CHANGE_REFUSED
    request.refresh_from_db()
    assert request.state == ChangeState.REFUSED
    with pytest.raises(InvalidTransition):
        x.change_request_decide(actor=cast.actor(cast.outsider), request_id=request.pk, accept=True)


def test_a_replacing_document_can_itself_be_updated_replaced_and_taken_back(cast):
    # given document 2 replaced document 1 at B, its only recipient (a type-3 delivery)
    old = issue(cast)
    a, b = cast.actor(cast.clerk), cast.actor(cast.outsider)
    second = _issued(cast, [RecipientData(agency_id=cast.agency_b.pk)])
    c.replacement_mark(actor=a, document_id=second.pk, replaces_id=old.pk, reason="Sai số liệu")
    outgoing_document_mark_sent(actor=a, document_id=second.pk)
    assert Delivery.objects.get(outgoing=second).business_type == BusinessType.REPLACE
    x.change_request_decide(actor=b, request_id=ChangeRequest.objects.get().pk, accept=True)
    held = reception_of(second)
    assert held.state == ReceptionState.RECEIVED
    # when A corrects document 2, B is asked to update it
    c.update_send(
        actor=a, document_id=second.pk, reason="Sửa trích yếu", changes={"summary": "V/v sửa"}
    )
    update = ChangeRequest.objects.get(business_type=BusinessType.UPDATE)
    assert update.reception == held
    # and document 2 may be replaced in turn
    third = _issued(cast, [RecipientData(agency_id=cast.agency_b.pk)])
    assert second in c.replaceable_documents(actor=a, document=third)
    # and revoking document 2 asks B to take it back (13)
    outgoing_document_revoke(actor=a, document_id=second.pk, reason="Ban hành nhầm")
    assert ChangeRequest.objects.filter(business_type=BusinessType.REVOKE, reception=held).exists()


def test_marking_a_replacement_is_checked_and_can_be_undone_before_sending(cast):
    old = issue(cast)
    new = _issued(cast, [RecipientData(agency_id=cast.agency_b.pk)])
    a = cast.actor(cast.clerk)
    with pytest.raises(ValidationFailed):
        c.replacement_mark(actor=a, document_id=new.pk, replaces_id=new.pk, reason="Tự thay")
    with pytest.raises(ValidationFailed):
        c.replacement_mark(actor=a, document_id=new.pk, replaces_id=old.pk, reason=" ")
    with pytest.raises(NotFound):
        c.replacement_mark(
            actor=cast.actor(cast.outsider), document_id=new.pk, replaces_id=old.pk, reason="X"
        )
    with pytest.raises(InvalidTransition):
        c.replacement_mark(actor=a, document_id=old.pk, replaces_id=old.pk, reason="Đã gửi")
    c.replacement_mark(actor=a, document_id=new.pk, replaces_id=old.pk, reason="Sai")
    c.replacement_unmark(actor=a, document_id=new.pk)
    outgoing_document_mark_sent(actor=a, document_id=new.pk)
    assert Delivery.objects.get(outgoing=new).business_type == BusinessType.NEW
    assert not ChangeRequest.objects.exists()
    assert JournalEntry.objects.filter(action="exchange.change.replace_unmark").exists()


# --- Pages ---------------------------------------------------------------------------------


def test_the_clerks_update_replace_and_decide_through_the_pages(cast, client):
    document = issue(cast)
    reception = reception_of(document)
    # the sender's clerk sees the update form on the sent document and sends a correction
    client.force_login(cast.clerk)
    page = client.get(f"/van-ban/di/{document.pk}/")
    assert "Cập nhật, đính chính văn bản đã gửi" in page.content.decode()
    url = f"/lien-thong/van-ban-di/{document.pk}/cap-nhat/"
    refused = client.post(url, {"cap-nhat-reason": "", "cap-nhat-summary": "X"}, follow=True)
    assert "Bản cập nhật chưa hợp lệ" in refused.content.decode()
    values = {
        "cap-nhat-reason": "Sửa trích yếu",
        "cap-nhat-summary": "V/v số liệu (đính chính)",
        "cap-nhat-urgency": "normal",
        "cap-nhat-signer_name": "Phạm Minh Giám",
        "cap-nhat-signer_position": "Giám đốc",
        "cap-nhat-page_count": "2",
    }
    unchanged = client.post(url, {**values, "cap-nhat-summary": document.summary}, follow=True)
    assert "chưa thay đổi gì" in unchanged.content.decode()
    assert not ChangeRequest.objects.exists()
    sent = client.post(url, values, follow=True)
    assert "Đã gửi bản cập nhật" in sent.content.decode()
    assert "Chờ nơi nhận quyết định" in sent.content.decode()
    request = ChangeRequest.objects.get()
    # another agency's clerk cannot send one, nor see it
    client.force_login(cast.outsider)
    assert client.post(url, values).status_code == 404
    # the recipient's clerk sees the request with the new metadata and accepts it
    page = client.get(f"/lien-thong/den/{reception.pk}/")
    assert "V/v số liệu (đính chính)" in page.content.decode()
    assert "Đồng ý cập nhật" in page.content.decode()
    decided = client.post(
        f"/lien-thong/yeu-cau/{request.pk}/quyet-dinh/",
        {f"yc{request.pk}-decision": "dong_y", f"yc{request.pk}-note": ""},
        follow=True,
    )
    assert "Đã đồng ý cập nhật" in decided.content.decode()
    # the sender's clerk sees the answer
    client.force_login(cast.clerk)
    assert "Nơi nhận đã đồng ý" in client.get(f"/van-ban/di/{document.pk}/").content.decode()
    # a new issued document offers to replace the sent one
    new = issue(cast, send=False)
    page = client.get(f"/van-ban/di/{new.pk}/").content.decode()
    assert "Văn bản này thay thế văn bản đã gửi" in page
    marked = client.post(
        f"/lien-thong/van-ban-di/{new.pk}/thay-the/",
        {"thay-the-replaces": str(document.pk), "thay-the-reason": "Sai số liệu"},
        follow=True,
    )
    assert f"sẽ thay thế văn bản {document.number_notation}" in marked.content.decode()

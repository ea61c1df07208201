"""Status reports and take-back requests whose attempts ran out: seen and sent again ("Gửi lại").

Given a partner system that cannot be reached, when the outbox runs out of attempts, then the
agency's clerk sees the failed message on the dashboard, on the list of failed sendings and on
the page it belongs to (the reception, or the outgoing document), and sends it again from the
page or the API: the attempts start over, the same packet goes, and it is journalled. Nobody
else may, and a refusal changes nothing.
"""

from __future__ import annotations

import uuid

import pytest
from django_tasks_db.models import DBTaskResult

from vanthu.core.errors import InvalidTransition, NotFound, PermissionDenied
from vanthu.core.models import JournalEntry
from vanthu.exchange import outbound
from vanthu.exchange.choices import DeliveryState, OutboxKind, StatusCode
from vanthu.exchange.models import Delivery, OutboxMessage, Packet, Reception
from vanthu.exchange.outbound import SendError, outbox_retry, send_run
from vanthu.exchange.tests.scenarios import api_client
from vanthu.exchange.tests.test_transport import (
    FakeTransport,
    _document,
    _issue_to_partner,
    _post,
)
from vanthu.registry.outgoing import outgoing_document_revoke

pytestmark = pytest.mark.django_db

FAILED_PAGE = "/lien-thong/gui-loi/"


@pytest.fixture
def unreachable(monkeypatch, settings):
    settings.EXCHANGE_MAX_ATTEMPTS = 1
    monkeypatch.setattr(
        outbound, "transport", lambda: FakeTransport(error=SendError("Hết thời gian chờ"))
    )


def _failed_report(cast) -> OutboxMessage:
    """A document from the partner arrives; its "01" cannot reach the partner."""
    assert _post(_document(cast), str(uuid.uuid4())).status_code == 200
    message = OutboxMessage.objects.get(code=StatusCode.ARRIVED)
    assert send_run("outbox", message.pk) == "failed"
    message.refresh_from_db()
    assert message.state == DeliveryState.FAILED
    return message


def _tasks(message: OutboxMessage) -> int:
    return DBTaskResult.objects.filter(args_kwargs__args=["outbox", message.pk]).count()


def test_only_the_agency_clerk_sends_a_failed_report_again(cast, partner, unreachable, monkeypatch):
    message = _failed_report(cast)
    journal = JournalEntry.objects.count()
    tasks = _tasks(message)
    # a specialist of the agency may not; another agency's clerk is told it does not exist
    with pytest.raises(PermissionDenied):
        outbox_retry(actor=cast.actor(cast.specialist), message_id=message.pk)
    with pytest.raises(NotFound):
        outbox_retry(actor=cast.actor(cast.outsider), message_id=message.pk)
    message.refresh_from_db()
    assert (message.state, message.attempts) == (DeliveryState.FAILED, 1)
    assert (JournalEntry.objects.count(), _tasks(message)) == (journal, tasks)
    # the clerk sends it again: attempts start over, one journal row, the sending enqueued
    outbox_retry(actor=cast.actor(cast.clerk), message_id=message.pk)
    message.refresh_from_db()
    assert (message.state, message.attempts) == (DeliveryState.PENDING, 0)
    entry = JournalEntry.objects.order_by("-id").first()
    assert entry is not None
    assert (entry.action, entry.actor_id) == ("exchange.outbox.retry", cast.clerk.pk)
    assert JournalEntry.objects.count() == journal + 1
    assert _tasks(message) == tasks + 1
    # a pending message is not sent "again"
    with pytest.raises(InvalidTransition):
        outbox_retry(actor=cast.actor(cast.clerk), message_id=message.pk)
    # the partner is back: the same packet (same id, same bytes) goes
    working = FakeTransport()
    monkeypatch.setattr(outbound, "transport", lambda: working)
    assert send_run("outbox", message.pk) == "delivered"
    ((_key, packet_id, raw),) = working.sent
    assert packet_id == str(message.packet_id)
    kept = Packet.objects.get(direction="out", outbox=message)
    assert kept.file.open("rb").read() == raw


def test_the_clerk_sees_the_failed_report_and_sends_it_again_from_the_pages(
    cast, partner, unreachable, client
):
    message = _failed_report(cast)
    reception = Reception.objects.get()
    client.force_login(cast.clerk)
    # the dashboard counts it and links to the failed sendings
    dashboard = client.get("/").content.decode()
    assert "Gửi không thành công" in dashboard
    assert FAILED_PAGE in dashboard
    # the list of failed sendings and the reception's page show it with "Gửi lại"
    retry_url = f"/lien-thong/goi-tin/{message.pk}/gui-lai/"
    listing = client.get(FAILED_PAGE).content.decode()
    assert "Hết thời gian chờ" in listing
    assert retry_url in listing
    page = client.get(f"/lien-thong/den/{reception.pk}/").content.decode()
    assert "Tình trạng đã báo nơi gửi" in page
    assert "Gửi không thành công" in page
    assert retry_url in page
    # a specialist sees the state but no button, and cannot post it
    client.force_login(cast.specialist)
    assert retry_url not in client.get(f"/lien-thong/den/{reception.pk}/").content.decode()
    assert client.post(retry_url).status_code == 403
    message.refresh_from_db()
    assert message.state == DeliveryState.FAILED
    # the clerk presses "Gửi lại" on the reception's page
    client.force_login(cast.clerk)
    response = client.post(retry_url)
    assert response.status_code == 302
    assert response["Location"] == f"/lien-thong/den/{reception.pk}/"
    message.refresh_from_db()
    assert (message.state, message.attempts) == (DeliveryState.PENDING, 0)
    assert "Không có gói tin nào gửi không thành công." in client.get(FAILED_PAGE).content.decode()


def test_a_failed_take_back_shows_on_the_outgoing_document_with_gui_lai(
    cast, partner, unreachable, client
):
    document = _issue_to_partner(cast)
    delivery = Delivery.objects.get(outgoing=document)
    outgoing_document_revoke(actor=cast.actor(cast.clerk), document_id=document.pk, reason="Nhầm")
    message = OutboxMessage.objects.get(kind=OutboxKind.TAKE_BACK)
    assert send_run("outbox", message.pk) == "failed"
    client.force_login(cast.clerk)
    page = client.get(f"/van-ban/di/{document.pk}/").content.decode()
    assert f'id="goi-tin-{message.pk}"' in page
    assert "Gửi lại yêu cầu" in page
    response = client.post(f"/lien-thong/goi-tin/{message.pk}/gui-lai/")
    assert response["Location"] == f"/van-ban/di/{document.pk}/#lien-thong"
    message.refresh_from_db()
    assert message.state == DeliveryState.PENDING
    assert delivery.pk == message.delivery_id


def test_the_api_lists_failed_sendings_and_sends_a_report_again(cast, partner, unreachable):
    message = _failed_report(cast)
    document = _issue_to_partner(cast)
    delivery = Delivery.objects.get(outgoing=document)
    assert send_run("delivery", delivery.pk) == "failed"
    clerk = api_client(cast.clerk)
    failed = clerk.get("/api/v1/outbox-messages/", {"state": "failed"}).json()["results"]
    assert [(m["id"], m["kind"], m["code"], m["attempts"]) for m in failed] == [
        (message.pk, "status", "01", 1)
    ]
    assert failed[0]["last_error"] == "Hết thời gian chờ"
    deliveries = clerk.get("/api/v1/deliveries/", {"state": "failed"}).json()["results"]
    assert [d["id"] for d in deliveries] == [delivery.pk]
    assert clerk.get("/api/v1/outbox-messages/", {"state": "nope"}).status_code == 400
    # another agency's clerk lists nothing of it
    assert api_client(cast.outsider).get("/api/v1/outbox-messages/").json()["results"] == []
    response = clerk.post(f"/api/v1/outbox-messages/{message.pk}/retry/")
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["attempts"]) == ("pending", 0)
    again = clerk.post(f"/api/v1/outbox-messages/{message.pk}/retry/")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "invalid_transition")

"""Sending in batches (issue 6, throughput): one task takes every due row, a few in flight.

The partner is a fake transport for the batch logic, and a real HTTP server on loopback for
the HTTP client (keep-alive, answers, limits).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from conftest import only_on_vendor
from vanthu.exchange import outbound
from vanthu.exchange.choices import DeliveryState
from vanthu.exchange.models import Delivery, Packet, Partner
from vanthu.exchange.outbound import (
    HttpTransport,
    SendError,
    due_send,
    send_batch_run,
    send_run,
)
from vanthu.exchange.tests.scenarios import PARTNER_AGENCY
from vanthu.exchange.tests.test_transport import FakeTransport, _issue_to_partner

pytestmark = pytest.mark.django_db


class FailingFor(FakeTransport):
    """Accepts every packet but one, which it cannot deliver."""

    def __init__(self, packet_id: str) -> None:
        super().__init__()
        self.packet_id = packet_id

    def send(self, *, partner, packet_id, raw):
        if packet_id == self.packet_id:
            raise SendError("Không kết nối được")
        return super().send(partner=partner, packet_id=packet_id, raw=raw)


def _deliveries(cast, count: int) -> list[Delivery]:
    documents = [_issue_to_partner(cast) for _ in range(count)]
    return [Delivery.objects.get(outgoing=document) for document in documents]


def test_one_task_sends_every_due_row_once_and_the_other_tasks_find_nothing(
    cast, partner, monkeypatch, settings
):
    settings.EXCHANGE_SEND_CONCURRENCY = 3
    fake = FakeTransport()
    monkeypatch.setattr(outbound, "transport", lambda: fake)
    deliveries = _deliveries(cast, 4)
    # when the first row's task runs, the other due rows go with it
    assert send_batch_run("delivery", deliveries[0].pk) == {"delivered": 4}
    assert sorted(packet_id for _key, packet_id, _raw in fake.sent) == sorted(
        str(d.packet_id) for d in deliveries
    )
    for delivery in deliveries:
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == (
            DeliveryState.DELIVERED,
            1,
            None,
        )
        assert Packet.objects.get(direction="out", delivery=delivery).partner == partner
    # the other rows' tasks send nothing again
    assert send_batch_run("delivery", deliveries[1].pk) == {"not_due": 1}
    assert len(fake.sent) == 4


def test_a_task_sends_in_batches_of_at_most_its_size_until_no_row_is_due(
    cast, partner, monkeypatch, settings
):
    settings.EXCHANGE_SEND_BATCH = 2
    fake = FakeTransport()
    monkeypatch.setattr(outbound, "transport", lambda: fake)
    deliveries = _deliveries(cast, 3)
    batches: list[list[int]] = []
    send_taken = outbound._send_taken

    def recorded(taken: list[outbound._Sending]) -> list[str]:
        batches.append([sending.row.pk for sending in taken])
        return send_taken(taken)

    monkeypatch.setattr(outbound, "_send_taken", recorded)
    assert send_batch_run("delivery", deliveries[2].pk) == {"delivered": 3}
    # the wanted row first, then the oldest due; then the next batch
    assert batches == [[deliveries[2].pk, deliveries[0].pk], [deliveries[1].pk]]
    assert len(fake.sent) == 3
    assert due_send() == {}


def test_a_task_hands_over_to_a_fresh_one_after_its_time(cast, partner, monkeypatch, settings):
    settings.EXCHANGE_SEND_BATCH = 1
    fake = FakeTransport()
    monkeypatch.setattr(outbound, "transport", lambda: fake)
    monkeypatch.setattr(outbound, "SEND_RUN_SECONDS", 0.0)
    deliveries = _deliveries(cast, 2)
    before = set(_sending_tasks().values_list("id", flat=True))
    assert send_batch_run("delivery", deliveries[0].pk) == {"delivered": 1}
    # the row left is a fresh task's, enqueued before this one ended
    (fresh,) = _sending_tasks().exclude(id__in=before)
    assert fresh.args_kwargs["args"] == ["delivery", deliveries[1].pk]
    assert send_batch_run("delivery", deliveries[1].pk) == {"delivered": 1}


def _sending_tasks():  # type: ignore[no-untyped-def]
    from django_tasks_db.models import DBTaskResult

    from vanthu.exchange.tasks import exchange_send_task

    return DBTaskResult.objects.filter(task_path=exchange_send_task.module_path)


def test_rows_written_while_sending_tasks_wait_join_them(cast, partner, monkeypatch, settings):
    from django_tasks_db.models import DBTaskResult

    settings.EXCHANGE_SEND_TASKS = 2
    fake = FakeTransport()
    monkeypatch.setattr(outbound, "transport", lambda: fake)
    deliveries = _deliveries(cast, 6)
    # six rows, each written in its own transaction: two tasks wait, the others joined them
    assert _sending_tasks().filter(status="READY").count() == 2
    # a task that a worker has started is not counted: it may have looked for rows already
    started = _sending_tasks().filter(status="READY").first()
    assert started is not None
    DBTaskResult.objects.filter(pk=started.pk).update(status="RUNNING")
    more = _deliveries(cast, 2)
    assert _sending_tasks().filter(status="READY").count() == 2
    # the waiting tasks, run as a worker would, send every row
    for waiting in _sending_tasks().filter(status="READY"):
        send_batch_run(*waiting.args_kwargs["args"])
    sent = sorted(packet_id for _key, packet_id, _raw in fake.sent)
    assert sent == sorted(str(d.packet_id) for d in deliveries + more)
    assert not Delivery.objects.exclude(state=DeliveryState.DELIVERED).exists()


def test_a_retry_later_is_a_task_of_its_own(cast, partner, monkeypatch, settings):
    settings.EXCHANGE_SEND_TASKS = 1
    (delivery,) = _deliveries(cast, 1)
    later = timezone.now() + timedelta(minutes=5)
    outbound.send_enqueue("delivery", delivery.pk, at=later)
    assert _sending_tasks().filter(run_after=later).count() == 1


def test_a_row_being_sent_is_not_taken_by_another_sender_until_its_lease_ends(
    cast, partner, monkeypatch, settings
):
    fake = FakeTransport()
    monkeypatch.setattr(outbound, "transport", lambda: fake)
    (delivery,) = _deliveries(cast, 1)
    # another sender took the row (and died while sending it)
    taken = outbound._take(timezone.now(), wanted=("delivery", delivery.pk))
    assert [s.row.pk for s in taken] == [delivery.pk]
    delivery.refresh_from_db()
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=settings.EXCHANGE_TIMEOUT)
    # then neither its task nor the sweep sends it meanwhile
    assert send_run("delivery", delivery.pk) == "not_due"
    assert send_batch_run("delivery", delivery.pk) == {"not_due": 1}
    assert due_send() == {}
    assert fake.sent == []
    # after the lease, the sweep sends it, once
    later = delivery.next_attempt_at + timedelta(seconds=1)
    assert due_send(now=later) == {"delivered": 1}
    assert len(fake.sent) == 1


def test_a_row_that_fails_backs_off_alone_and_the_rest_of_the_batch_is_delivered(
    cast, partner, monkeypatch, settings
):
    settings.EXCHANGE_RETRY_SECONDS = 10
    deliveries = _deliveries(cast, 3)
    failing = FailingFor(str(deliveries[1].packet_id))
    monkeypatch.setattr(outbound, "transport", lambda: failing)
    before = timezone.now()
    assert send_batch_run("delivery", deliveries[0].pk) == {"delivered": 2, "retry": 1}
    states = {d.pk: d for d in Delivery.objects.filter(pk__in=[d.pk for d in deliveries])}
    assert states[deliveries[0].pk].state == states[deliveries[2].pk].state == "delivered"
    failed = states[deliveries[1].pk]
    assert (failed.state, failed.attempts, failed.last_error) == (
        DeliveryState.PENDING,
        1,
        "Không kết nối được",
    )
    # its next attempt is the back-off, not the sending's lease
    assert before + timedelta(seconds=9) < failed.next_attempt_at < before + timedelta(seconds=12)


def test_a_row_that_failed_is_not_sent_again_by_the_same_task(cast, partner, monkeypatch):
    deliveries = _deliveries(cast, 2)
    failing = FailingFor(str(deliveries[0].packet_id))
    monkeypatch.setattr(outbound, "transport", lambda: failing)
    # even when the moment given makes its back-off already over
    later = timezone.now() + timedelta(days=1)
    assert send_batch_run("delivery", deliveries[0].pk, now=later) == {"retry": 1, "delivered": 1}
    assert Delivery.objects.get(pk=deliveries[0].pk).attempts == 1


# --- The HTTP client ------------------------------------------------------------------------


class _Partner(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    answers: list[tuple[int, bytes]] = []
    connections: set[int] = set()
    bodies: list[bytes] = []

    def do_POST(self) -> None:
        type(self).connections.add(id(self.connection))
        type(self).bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
        status, body = type(self).answers.pop(0)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def http_partner(partner) -> Iterator[Partner]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Partner)
    _Partner.answers, _Partner.connections, _Partner.bodies = [], set(), []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    partner.base_url = f"http://127.0.0.1:{server.server_address[1]}/"
    partner.save()
    try:
        yield partner
    finally:
        server.shutdown()
        server.server_close()


def test_the_http_client_keeps_its_connection_and_reads_the_answers(http_partner):
    ok = json.dumps({"result": "accepted"}).encode()
    _Partner.answers = [(200, ok), (200, ok), (503, b'{"code": "x"}'), (400, b'{"code": "y"}')]
    client = HttpTransport(timeout=5)
    for index in range(2):
        answer = client.send(partner=http_partner, packet_id=f"p{index}", raw=b"<a/>")
        assert answer == {"result": "accepted"}
    with pytest.raises(SendError) as busy:
        client.send(partner=http_partner, packet_id="p2", raw=b"<b/>")
    assert (busy.value.permanent, str(busy.value).startswith("HTTP 503")) == (False, True)
    with pytest.raises(SendError) as refused:
        client.send(partner=http_partner, packet_id="p3", raw=b"<c/>")
    assert refused.value.permanent
    # four requests, one connection; the bodies arrive as sent
    assert len(_Partner.connections) == 1
    assert _Partner.bodies == [b"<a/>", b"<a/>", b"<b/>", b"<c/>"]


def test_the_http_client_refuses_an_answer_too_large_or_not_json(http_partner, monkeypatch):
    monkeypatch.setattr(outbound, "ANSWER_LIMIT", 1000)
    _Partner.answers = [(200, b"x" * 5000), (200, b"not json")]
    client = HttpTransport(timeout=5)
    with pytest.raises(SendError, match="quá lớn"):
        client.send(partner=http_partner, packet_id="p", raw=b"<a/>")
    with pytest.raises(SendError, match="JSON"):
        client.send(partner=http_partner, packet_id="p", raw=b"<a/>")


def test_no_partner_listening_is_a_failure_to_retry(partner):
    client = HttpTransport(timeout=2)
    partner.base_url = "http://127.0.0.1:9/"
    with pytest.raises(SendError) as refused:
        client.send(partner=partner, packet_id="p", raw=b"<a/>")
    assert not refused.value.permanent
    assert PARTNER_AGENCY in partner.agency_identifiers


@pytest.mark.django_db(transaction=True)
def test_a_waiting_task_counted_by_a_writer_is_not_claimed_before_it_commits(
    cast, partner, settings
):
    from django.db import connections, transaction

    only_on_vendor("postgresql", "row locks (SELECT FOR UPDATE) are what this test exercises")
    settings.EXCHANGE_SEND_TASKS = 1
    _deliveries(cast, 1)  # one sending task waits
    counted, committed = threading.Event(), threading.Event()

    def writer() -> None:
        try:
            with transaction.atomic():
                assert outbound._senders_waiting() == 1  # the task is locked until commit
                counted.set()
                committed.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert counted.wait(10)
        # a worker's claim skips it meanwhile: it would run before the writer's row is visible
        with transaction.atomic():
            assert _sending_tasks().ready().get_locked() is None
    finally:
        committed.set()
        thread.join(10)
    with transaction.atomic():
        assert _sending_tasks().ready().get_locked() is not None

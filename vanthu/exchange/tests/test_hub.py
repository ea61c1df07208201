"""The national hub connector against the local stand-in: send, list pending, get, confirm."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from vanthu.exchange import edxml
from vanthu.exchange.choices import DeliveryState, Route, StatusCode
from vanthu.exchange.hub import HttpHub, hub_poll_run
from vanthu.exchange.models import Delivery, OutboxMessage, Packet, Partner, Reception
from vanthu.exchange.outbound import SendError, send_run
from vanthu.exchange.packets import StatusReport, status_packet_build
from vanthu.exchange.tests.hubstandin import HubStandIn
from vanthu.exchange.tests.test_transport import _document, _issue_to_partner
from vanthu.organizations.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

OURS = "khanhhoa"
THEIRS = "vpcp"
G22 = "000.00.00.G22"


@pytest.fixture
def hub(cast):
    standin = HubStandIn(
        {
            OURS: ("secret-ours", {cast.agency_a.identifier, cast.agency_b.identifier}),
            THEIRS: ("secret-theirs", {G22}),
        }
    ).start()
    AgencyFactory(identifier=G22, name="Văn phòng Chính phủ", is_hosted=False)
    Partner.objects.create(
        name="Trục liên thông văn bản quốc gia",
        base_url=standin.url,
        is_hub=True,
        agency_identifiers=G22,
        key_id=OURS,
        secret="secret-ours",
    )
    yield standin
    standin.stop()


def test_a_hub_delivery_goes_through_the_hub_and_its_status_comes_back(cast, hub):
    # when A's clerk sends a document to an agency reached through the hub
    delivery = Delivery.objects.get(outgoing=_issue_to_partner(cast))
    assert delivery.route == Route.HUB
    assert send_run("delivery", delivery.pk) == "delivered"
    # then it waits at the hub for the other system, byte for byte as kept
    theirs = HttpHub(hub.url, THEIRS, "secret-theirs")
    (item,) = theirs.pending()
    raw = theirs.get(item.hub_id)
    assert item.packet_id == str(delivery.packet_id)
    assert raw == Packet.objects.get(direction="out", delivery=delivery).file.open("rb").read()
    theirs.confirm(item.hub_id)
    assert theirs.pending() == []
    # when the other system answers 01 through the hub, our poll gets, processes, confirms it
    document_id = Packet.objects.get(direction="out", delivery=delivery).document_id
    report = StatusReport(G22, "VPCP", cast.agency_a.identifier, document_id, "01", timezone.now())
    theirs.send(
        packet_id=str(uuid.uuid4()),
        to=cast.agency_a.identifier,
        raw=edxml.write_packet(status_packet_build(report)),
    )
    assert hub_poll_run() == {"received": 1, "refused": 0, "kept": 0}
    delivery.refresh_from_db()
    assert (delivery.state, delivery.status_code) == (DeliveryState.DELIVERED, StatusCode.ARRIVED)
    assert HttpHub(hub.url, OURS, "secret-ours").pending() == []


def test_a_document_from_the_hub_enters_the_queue_once_and_01_goes_back(cast, hub):
    raw = _document(cast)
    packet_id = str(uuid.uuid4())
    # the same packet waits twice at the hub (the hub delivered it again)
    hub.put(to_system=OURS, packet_id=packet_id, raw=raw)
    hub.put(to_system=OURS, packet_id=packet_id, raw=raw)
    assert hub_poll_run() == {"received": 2, "refused": 0, "kept": 0}
    reception = Reception.objects.get()
    assert reception.agency_id == cast.agency_a.pk
    # 01 goes back through the hub to the sender's system
    message = OutboxMessage.objects.get(code=StatusCode.ARRIVED)
    assert send_run("outbox", message.pk) == "delivered"
    (item,) = HttpHub(hub.url, THEIRS, "secret-theirs").pending()
    status = edxml.read_packet(HttpHub(hub.url, THEIRS, "secret-theirs").get(item.hub_id)).packet
    assert isinstance(status, edxml.StatusPacket)
    assert status.status_code == "01"


def test_a_wrong_secret_is_refused_by_the_hub(cast, hub):
    with pytest.raises(SendError):
        HttpHub(hub.url, OURS, "wrong").pending()


def test_a_packet_refused_from_the_hub_is_kept_as_evidence_and_confirmed(cast, hub):
    from vanthu.exchange.models import RefusedPacket

    packet_id = str(uuid.uuid4())
    hub.put(to_system=OURS, packet_id=packet_id, raw=b"<not-edxml/>")
    assert hub_poll_run() == {"received": 0, "refused": 1, "kept": 0}
    kept = RefusedPacket.objects.get()
    assert (str(kept.packet_id), kept.partner.is_hub, kept.code) == (
        packet_id,
        True,
        "edxml_invalid",
    )
    assert kept.file.open("rb").read() == b"<not-edxml/>"
    assert not Reception.objects.exists()
    assert HttpHub(hub.url, OURS, "secret-ours").pending() == []

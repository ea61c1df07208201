"""The national hub's operations (standards.md §1.6) behind a small protocol (ADR 0018).

The hub (Trục liên thông văn bản quốc gia) stores packets for each connected system: a system
sends a packet addressed to an agency, lists what waits for it, gets each packet and confirms
it, after which the hub drops it. Agencies authenticate with their SystemId and SecretKey; a
`Partner` with `is_hub` holds them (`key_id` = our SystemId, `secret` = our SecretKey).
`HttpHub` speaks the JSON form of these operations that the local stand-in
(`exchange/tests/hubstandin.py`) also offers; the national SDK's X-Road envelope would be one
more implementation of `Hub`.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from vanthu.exchange.models import Partner
from vanthu.exchange.outbound import SendError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PendingPacket:
    """A packet waiting at the hub for this system."""

    hub_id: str
    packet_id: str


class Hub(Protocol):
    """The four operations of the national hub."""

    def send(self, *, packet_id: str, to: str, raw: bytes) -> str: ...

    def pending(self) -> list[PendingPacket]: ...

    def get(self, hub_id: str) -> bytes: ...

    def confirm(self, hub_id: str) -> None: ...


@dataclass(frozen=True)
class HttpHub:
    """The hub's operations over HTTP (SystemId and SecretKey in headers)."""

    base_url: str
    system_id: str
    secret: str
    timeout: float = 30.0

    def _call(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> bytes:
        request = urllib.request.Request(  # noqa: S310 - the configured hub URL
            self.base_url.rstrip("/") + path,
            data=body,
            method=method,
            headers={
                "X-Hub-System": self.system_id,
                "X-Hub-Secret": self.secret,
                **(headers or {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                data: bytes = response.read()
                return data
        except urllib.error.HTTPError as exc:
            raise SendError(
                f"Trục liên thông trả lời HTTP {exc.code}.", permanent=exc.code in (400, 404, 413)
            ) from None
        except (OSError, ValueError) as exc:
            raise SendError(f"Không kết nối được trục liên thông: {exc}"[:500]) from None

    def send(self, *, packet_id: str, to: str, raw: bytes) -> str:
        answer = json.loads(
            self._call(
                "POST",
                "/send",
                body=raw,
                headers={"X-Packet-Id": packet_id, "X-To": to, "Content-Type": "application/xml"},
            )
        )
        return str(answer["id"])

    def pending(self) -> list[PendingPacket]:
        answer = json.loads(self._call("GET", "/pending"))
        return [PendingPacket(str(i["id"]), str(i["packet_id"])) for i in answer["items"]]

    def get(self, hub_id: str) -> bytes:
        return self._call("GET", "/documents/" + urllib.parse.quote(hub_id, safe=""))

    def confirm(self, hub_id: str) -> None:
        self._call("POST", "/documents/" + urllib.parse.quote(hub_id, safe="") + "/confirm")


def hub_of(partner: Partner) -> Hub:
    """Return the hub connector of a hub partner (tests replace it)."""
    from django.conf import settings

    return HttpHub(partner.base_url, partner.key_id, partner.secret, settings.EXCHANGE_TIMEOUT)


def hub_poll_run() -> dict[str, int]:
    """Get, process and confirm every packet waiting at each hub; return counts."""
    from vanthu.exchange.inbound import packet_receive

    counts = {"received": 0, "refused": 0, "kept": 0}
    for partner in Partner.objects.filter(is_hub=True, is_active=True):
        hub = hub_of(partner)
        try:
            waiting = hub.pending()
        except SendError as exc:
            logger.warning("Exchange: hub %s unreachable: %s", partner.name, exc)
            continue
        for item in waiting:
            try:
                raw = hub.get(item.hub_id)
            except SendError:
                counts["kept"] += 1
                continue
            status, _answer = packet_receive(partner=partner, packet_id=item.packet_id, raw=raw)
            if status >= 500:
                counts["kept"] += 1  # confirmed only once processed: the hub keeps it
                continue
            counts["received" if status == 200 else "refused"] += 1
            try:
                hub.confirm(item.hub_id)
            except SendError:
                counts["kept"] += 1
    return counts

"""The exchange in the demo: what the sample documents sent by STTTT became at their recipients.

Runs on `organizations.signals.demo_data_loaded`, after the registers' sample documents: STTTT's
clerk sent them through the real services, so every hosted recipient already has them in its
queue. Sở Tài chính's clerk had registered some of them by hand (`registry.demo`); those
receptions are matched to the registered documents and reported "03 registered" to STTTT, as
if the clerk had received them from the queue. The rest stay awaiting reception, for the demo's
other clerks (`vanthu.sgddt`, `vanthu.nhatrang`, …) to receive or return.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from vanthu.core.actor import Actor
from vanthu.exchange.choices import ReceptionState
from vanthu.exchange.envelope import Envelope
from vanthu.exchange.models import Reception
from vanthu.exchange.services import reception_match
from vanthu.organizations.actors import actor_for_person
from vanthu.organizations.models import Person
from vanthu.registry.models import IncomingDocument

CLERK = "vanthu.stc"


def demo_receptions_match() -> str:
    """Mark STC's receptions it had registered by hand as received; return a summary line."""
    clerk = Person.objects.filter(username=CLERK).first()
    if clerk is None or clerk.agency_id is None:
        return ""
    actor = actor_for_person(clerk)
    matched = 0
    with transaction.atomic():
        for reception in Reception.objects.filter(
            agency_id=clerk.agency_id, state=ReceptionState.AWAITING
        ):
            envelope = Envelope.from_dict(reception.metadata)
            incoming = IncomingDocument.objects.filter(
                agency_id=reception.agency_id,
                sender_agency_id=reception.sender_id,
                number=envelope.number,
                notation=envelope.notation,
                document_date=envelope.document_date,
                reception__isnull=True,
            ).first()
            if incoming is None:
                continue
            reception_match(actor=actor, reception_id=reception.pk, incoming_id=incoming.pk)
            matched += 1
    awaiting = Reception.objects.filter(state=ReceptionState.AWAITING).count()
    return (
        f"Liên thông mẫu: {matched} văn bản Sở Tài chính đã tiếp nhận, "
        f"{awaiting} văn bản chờ các cơ quan nhận tiếp nhận."
    )


def on_demo_data_loaded(sender: object, *, actor: Actor, **kwargs: Any) -> str:
    """Receiver of `organizations.signals.demo_data_loaded`."""
    return demo_receptions_match()

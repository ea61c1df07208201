"""The exchange in the demo: what the sample documents sent by STTTT became at their recipients.

Runs on `organizations.signals.demo_data_loaded`, after the registers' sample documents: STTTT's
clerk sent them through the real services, so every hosted recipient already has them in its
queue. Sở Tài chính's clerk had registered some of them by hand (`registry.demo`); those
receptions are matched to the registered documents and reported "03 registered" to STTTT, as
if the clerk had received them from the queue. The rest stay awaiting reception, for the demo's
other clerks (`vanthu.sgddt`, `vanthu.nhatrang`, …) to receive or return.

`demo_exchange_show` then shows the rest of the exchange through the real services: a partner
system in the directory (Công an tỉnh's own document system, a stand-in that nothing answers:
its address is a closed loopback port, and its name says so), a document from it waiting in
STTTT's queue with the warning of an unsigned packet, a document STTTT sent to it whose
attempts ran out (and the "01" STTTT could not send back), both with "Gửi lại"; one of STTTT's
documents returned by its recipient; and one STTTT asked to take back. Every attempt is a real
connection refused at once on loopback, so loading stays fast.
"""

from __future__ import annotations

import io
import secrets
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vanthu.core.actor import Actor
from vanthu.core.journal import journal_record, snapshot
from vanthu.exchange import edxml
from vanthu.exchange.choices import DeliveryState, ReceptionState
from vanthu.exchange.envelope import Envelope
from vanthu.exchange.inbound import packet_receive
from vanthu.exchange.models import Delivery, OutboxMessage, Partner, Reception
from vanthu.exchange.outbound import send_run
from vanthu.exchange.packets import PacketFile, document_packet_build
from vanthu.exchange.services import reception_match, reception_return
from vanthu.organizations.actors import actor_for_person
from vanthu.organizations.choices import AgencyKind
from vanthu.organizations.models import Agency, Person, Unit
from vanthu.registry.models import DocumentType, IncomingDocument
from vanthu.registry.outgoing import (
    OutgoingData,
    RecipientData,
    outgoing_document_create,
    outgoing_document_issue,
    outgoing_document_mark_sent,
    outgoing_document_revoke,
)

CLERK = "vanthu.stc"
HOME_CLERK = "vanthu.stttt"
HOME_LEADER = "lanhdao.stttt"
PARTNER_KEY = "demo-congan-khanhhoa"
PARTNER_AGENCY = ("000.00.90.H34", "Công an tỉnh Khánh Hòa", "CAT")
# Nothing listens on the discard port of loopback: every sending is refused at once.
PARTNER_URL = "http://127.0.0.1:9/"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")


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


def _pdf(lines: list[str]) -> bytes:
    """Return a one-page PDF with the given lines (DejaVu for Vietnamese when installed)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font = "Helvetica"
    if FONT.exists():
        if "DemoExchangeSerif" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("DemoExchangeSerif", str(FONT)))
        font = "DemoExchangeSerif"
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    page.setFont(font, 13)
    for index, line in enumerate(lines):
        page.drawString(72, 770 - index * 22, line)
    page.showPage()
    page.save()
    return buffer.getvalue()


def _partner(actor: Actor) -> tuple[Agency, Partner]:
    """The stand-in partner system and the agency it serves (journalled)."""
    identifier, name, short = PARTNER_AGENCY
    agency = Agency.objects.filter(identifier=identifier).first()
    if agency is None:
        agency = Agency.objects.create(
            identifier=identifier,
            qd20_code=settings.PROVINCE_CODE + ".90",
            name=name,
            short_name=short,
            kind=AgencyKind.OTHER,
            is_hosted=False,
        )
        journal_record(
            actor=actor,
            action="agency.create",
            instance=agency,
            agency_id=None,
            after=snapshot(agency),
        )
    partner = Partner.objects.filter(key_id=PARTNER_KEY).first()
    if partner is None:
        partner = Partner.objects.create(
            name="Hệ thống văn bản Công an tỉnh (mô phỏng — không kết nối được)",
            base_url=PARTNER_URL,
            agency_identifiers=identifier,
            key_id=PARTNER_KEY,
            secret=secrets.token_hex(32),
        )
        journal_record(
            actor=actor,
            action="exchange.partner.import",
            instance=partner,
            agency_id=None,
            after=snapshot(partner, exclude=("secret",)),
        )
    return agency, partner


def _run_out(kind: str, row_id: int) -> None:
    """Send a row until its attempts run out (each refused at once by the closed port)."""
    later = timezone.now() + timedelta(days=1)
    for _attempt in range(settings.EXCHANGE_MAX_ATTEMPTS):
        if send_run("delivery" if kind == "delivery" else "outbox", row_id, now=later) != "retry":
            return


def _document_from_partner(partner: Agency, system: Partner, home: Agency) -> None:
    """A document from the partner's system arrives in STTTT's queue (an unsigned packet)."""
    today = timezone.localdate()
    envelope = Envelope(
        sender_identifier=partner.identifier,
        sender_name=partner.name,
        number="1275",
        notation="CAT-PA05",
        document_date=today,
        type_code="",
        type_name="Công văn",
        summary="V/v phối hợp bảo đảm an ninh mạng hệ thống thông tin dùng chung của tỉnh",
        signer_name="Trần Quốc Bảo",
        signer_position="Phó Giám đốc",
        page_count=1,
    )
    content = _pdf(
        [
            "CÔNG AN TỈNH KHÁNH HÒA",
            f"Số: 1275/CAT-PA05          Khánh Hòa, ngày {today:%d/%m/%Y}",
            "V/v phối hợp bảo đảm an ninh mạng",
            "Kính gửi: Sở Thông tin và Truyền thông",
            "(Văn bản mẫu của bản trình diễn)",
        ]
    )
    packet = document_packet_build(
        envelope=envelope,
        recipient_identifier=home.identifier,
        recipient_name=home.name,
        files=[PacketFile("1275-CAT-PA05.pdf", "application/pdf", content, is_main=True)],
        at=timezone.now(),
    )
    packet_receive(partner=system, packet_id=str(uuid.uuid4()), raw=edxml.write_packet(packet))


def _sign_if_required(home: Agency, document_id: int) -> None:
    """The leader signs the document when the agency holds keys (the demo token's PIN)."""
    from vanthu.signatures.demo import DEMO_TOKEN_PIN
    from vanthu.signatures.outgoing import outgoing_document_sign, signing_required

    if not signing_required(home.pk):
        return
    leader = Person.objects.get(username=HOME_LEADER)
    outgoing_document_sign(
        actor=actor_for_person(leader), document_id=document_id, pin=DEMO_TOKEN_PIN
    )


def _document_to_partner(clerk: Actor, home: Agency, partner: Agency) -> Delivery | None:
    """STTTT's clerk sends a document to the partner's agency: nothing answers."""
    unit = Unit.objects.filter(agency=home, short_name="VP").first()
    kind = DocumentType.objects.filter(code="cong-van").first()
    if kind is None:
        return None
    summary = "V/v đề nghị cử cán bộ tham gia diễn tập ứng cứu sự cố an toàn thông tin"
    draft = outgoing_document_create(
        actor=clerk,
        data=OutgoingData(
            document_type_id=kind.pk,
            summary=summary,
            drafting_unit_id=unit.pk if unit else None,
            signer_id=Person.objects.get(username=HOME_LEADER).pk,
            signer_position="Giám đốc",
            page_count=1,
        ),
        recipients=[
            RecipientData(agency_id=partner.pk),
            RecipientData(place="Lưu: VT, CNTT", is_filing_copy=True),
        ],
        files=[("cong-van-dien-tap.pdf", _pdf(["SỞ THÔNG TIN VÀ TRUYỀN THÔNG", summary]))],
    )
    _sign_if_required(home, draft.pk)
    outgoing_document_issue(actor=clerk, document_id=draft.pk)
    outgoing_document_mark_sent(actor=clerk, document_id=draft.pk)
    delivery = Delivery.objects.filter(outgoing_id=draft.pk, recipient=partner).first()
    if delivery is not None:
        _run_out("delivery", delivery.pk)
    return delivery


def _return_and_take_back(clerk: Actor, home: Agency) -> tuple[int, int]:
    """A recipient returns one of STTTT's documents; STTTT asks to take another one back."""
    returned = taken_back = 0
    waiting = (
        Reception.objects.filter(sender=home, state=ReceptionState.AWAITING, delivery__isnull=False)
        .exclude(agency__short_name="STC")
        .select_related("delivery")
        .order_by("id")
    )
    used: set[int] = set()
    for reception in waiting:
        person = Person.objects.filter(
            agency_id=reception.agency_id, username__startswith="vanthu."
        ).first()
        if person is None or reception.delivery is None:
            continue
        reception_return(
            actor=actor_for_person(person),
            reception_id=reception.pk,
            reason="Nội dung không thuộc thẩm quyền giải quyết của cơ quan; "
            "đề nghị gửi Sở Kế hoạch và Đầu tư.",
        )
        used.add(reception.delivery.outgoing_id)
        returned = 1
        break
    for reception in waiting.exclude(delivery__outgoing_id__in=used):
        assert reception.delivery is not None
        outgoing_document_revoke(
            actor=clerk,
            document_id=reception.delivery.outgoing_id,
            reason="Văn bản ghi nhầm thời hạn báo cáo; Sở sẽ ban hành văn bản thay thế.",
        )
        taken_back = 1
        break
    return returned, taken_back


def demo_exchange_show(*, actor: Actor) -> str:
    """Show the exchange with another system, a return and a take-back; return a summary."""
    person = Person.objects.filter(username=HOME_CLERK).first()
    if person is None or person.agency_id is None:
        return ""
    clerk = actor_for_person(person)
    home = person.agency
    assert home is not None
    with transaction.atomic():
        partner, system = _partner(actor)
        _document_from_partner(partner, system, home)
        for message in OutboxMessage.objects.filter(
            peer_identifier=partner.identifier, state=DeliveryState.PENDING
        ):
            _run_out("outbox", message.pk)
        _document_to_partner(clerk, home, partner)
        returned, taken_back = _return_and_take_back(clerk, home)
    failed = Delivery.objects.filter(state=DeliveryState.FAILED).count()
    failed += OutboxMessage.objects.filter(state=DeliveryState.FAILED).count()
    return (
        f"Liên thông với hệ thống khác: {system.name}; {failed} gói tin gửi không thành công "
        f"chờ “Gửi lại”, {returned} văn bản bị trả lại, {taken_back} văn bản STTTT yêu cầu "
        "lấy lại."
    )


def on_demo_data_loaded(sender: object, *, actor: Actor, **kwargs: Any) -> str:
    """Receiver of `organizations.signals.demo_data_loaded`."""
    matched = demo_receptions_match()
    shown = demo_exchange_show(actor=actor)
    return " ".join(line for line in (matched, shown) if line)

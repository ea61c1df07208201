"""Documents travelling between the cast's agencies, for the exchange's tests."""

from __future__ import annotations

import io
import uuid
from typing import Any

from pypdf import PdfWriter
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from vanthu.exchange.models import Partner, Reception
from vanthu.organizations.tests.factories import AgencyFactory
from vanthu.registry.models import DocumentType, OutgoingDocument
from vanthu.registry.outgoing import (
    OutgoingData,
    RecipientData,
    outgoing_document_create,
    outgoing_document_issue,
    outgoing_document_mark_sent,
    outgoing_document_revoke,
)

SUMMARY = "V/v đề nghị cung cấp số liệu chuyển đổi số"
PARTNER_AGENCY = "000.00.00.G22"
SECRET = "s3cret-" + "x" * 40


def api_client(person: Any) -> APIClient:
    """An API client authenticated with `person`'s token."""
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=person)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def partner_create() -> Partner:
    """The partner system the single-instance tests play (key vpcp-khanhhoa), serving
    PARTNER_AGENCY, an agency not hosted here; the `partner` fixture of conftest.py."""
    AgencyFactory(identifier=PARTNER_AGENCY, name="Văn phòng Chính phủ", is_hosted=False)
    return Partner.objects.create(
        name="Hệ thống VPCP",
        base_url="http://127.0.0.1:9",
        agency_identifiers=PARTNER_AGENCY,
        key_id="vpcp-khanhhoa",
        secret=SECRET,
    )


def pdf_bytes(pages: int = 1) -> bytes:
    """Return a small valid PDF, different from every other one (same bytes are a duplicate)."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": uuid.uuid4().hex})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def issue(
    cast: Any,
    *,
    sender: str = "a",
    summary: str = SUMMARY,
    urgency: str = "normal",
    files: list[tuple[str, bytes]] | None = None,
    send: bool = True,
) -> OutgoingDocument:
    """Agency A's clerk issues and sends a Công văn to agency B (B's to A with `sender="b"`).

    With `send=False` the document is issued and not sent yet.
    """
    clerk, unit, recipient = (
        (cast.clerk, cast.office_a, cast.agency_b)
        if sender == "a"
        else (cast.outsider, cast.unit_b, cast.agency_a)
    )
    actor = cast.actor(clerk)
    draft = outgoing_document_create(
        actor=actor,
        data=OutgoingData(
            document_type_id=DocumentType.objects.get(code="cong-van").pk,
            summary=summary,
            drafting_unit_id=unit.pk,
            signer_name="Phạm Minh Giám",
            signer_position="Giám đốc",
            urgency=urgency,
            page_count=2,
        ),
        recipients=[RecipientData(agency_id=recipient.pk), RecipientData(place="Lưu: VT")],
        files=files if files is not None else [("cong-van.pdf", pdf_bytes(2))],
    )
    issued = outgoing_document_issue(actor=actor, document_id=draft.pk)
    if not send:
        return issued
    return outgoing_document_mark_sent(actor=actor, document_id=draft.pk)


def reception_of(document: OutgoingDocument) -> Reception:
    """Return the reception an issued document made at its hosted recipient."""
    return Reception.objects.get(delivery__outgoing=document)


def revoke(cast: Any, document: OutgoingDocument, *, reason: str = "Sai số liệu phụ lục.") -> None:
    """The sender's clerk revokes an issued document: the recipient is asked to take it back."""
    clerk = cast.clerk if document.agency_id == cast.agency_a.pk else cast.outsider
    outgoing_document_revoke(actor=cast.actor(clerk), document_id=document.pk, reason=reason)

"""The signature panels of the document pages (registry.detail_panels providers)."""

from __future__ import annotations

from typing import Any

from vanthu.core.actor import Actor
from vanthu.organizations.choices import Role
from vanthu.registry.choices import FileRole, OutgoingStatus
from vanthu.registry.detail_panels import DetailPanel
from vanthu.registry.models import DocumentFile, IncomingDocument, OutgoingDocument
from vanthu.signatures.checks import PDF
from vanthu.signatures.forms import SignedUploadForm, SignForm
from vanthu.signatures.keys import key_for
from vanthu.signatures.outgoing import SIGNING_ROLES, signing_required
from vanthu.signatures.validation import PdfReport


def _reports(files: list[DocumentFile]) -> list[dict[str, Any]]:
    rows = []
    for stored in files:
        if stored.content_type != PDF:
            continue
        report = PdfReport.from_dict(stored.signature_report) if stored.signature_report else None
        rows.append({"file": stored, "report": report})
    return rows


def incoming_panel(actor: Actor, document: IncomingDocument) -> DetailPanel | None:
    """The signatures of the received files, in plain Vietnamese (QĐ 28/2018 Điều 9)."""
    files = [f for f in document.files.all() if f.is_current]
    rows = _reports(files)
    if not rows:
        return None
    return DetailPanel("signatures/_panel_files.html", {"rows": rows})


def outgoing_panel(actor: Actor, document: OutgoingDocument) -> DetailPanel | None:
    """The signatures of the text and attachments, and the leader's signing form."""
    files = [f for f in document.files.all() if f.is_current]
    text = [f for f in files if f.role == FileRole.ORIGINAL and f.content_type == PDF]
    may_sign = (
        document.status == OutgoingStatus.DRAFT
        and actor.person_id is not None
        and document.signer_id in (None, actor.person_id)
        and any(actor.has_role(role, agency_id=document.agency_id) for role in SIGNING_ROLES)
        and len(text) == 1
    )
    key = key_for(agency_id=document.agency_id, person_id=actor.person_id) if may_sign else None
    data = {
        "rows": _reports(files),
        "document": document,
        "may_sign": may_sign,
        "key": key,
        "sign_form": SignForm(),
        "upload_form": SignedUploadForm(),
        "required": signing_required(document.agency_id),
        "is_clerk": actor.has_role(Role.CLERK, agency_id=document.agency_id),
    }
    if not data["rows"] and not may_sign and not data["required"]:
        return None
    return DetailPanel("signatures/_panel_outgoing.html", data)

"""The registers (sổ văn bản) of an agency: the defaults every agency has, and which one to use."""

from __future__ import annotations

from django.db import transaction

from vanthu.registry.choices import RegisterKind
from vanthu.registry.models import DocumentType, Register

INCOMING_REGISTER = "Sổ văn bản đến"
OUTGOING_REGISTER = "Sổ văn bản đi"
# NĐ 30/2020 Điều 15.2: legal normative documents are numbered in a series of their own per
# type; the province issues Quyết định and Nghị quyết of that kind.
LEGAL_NORMATIVE_REGISTERS = (
    ("Sổ Quyết định (QPPL)", "quyet-dinh-qppl"),
    ("Sổ Nghị quyết (QPPL)", "nghi-quyet-qppl"),
)


def registers_ensure_defaults(*, agency_id: int) -> None:
    """Create the agency's default registers if missing (idempotent)."""
    with transaction.atomic():
        for kind, name in (
            (RegisterKind.INCOMING, INCOMING_REGISTER),
            (RegisterKind.OUTGOING, OUTGOING_REGISTER),
        ):
            Register.objects.get_or_create(agency_id=agency_id, kind=kind, name=name)
        for name, code in LEGAL_NORMATIVE_REGISTERS:
            register, _ = Register.objects.get_or_create(
                agency_id=agency_id,
                kind=RegisterKind.OUTGOING,
                name=name,
                defaults={"is_legal_normative": True},
            )
            document_type = DocumentType.objects.filter(code=code).first()
            if document_type is not None:
                register.document_types.add(document_type)


def register_for(*, agency_id: int, kind: str, document_type: DocumentType) -> Register:
    """Return the register a document of `document_type` goes to in the agency."""
    active = Register.objects.filter(agency_id=agency_id, kind=kind, is_active=True)
    # A register that lists the type wins over the default register of the kind.
    listed = active.filter(document_types=document_type).order_by("id").first()
    if listed is not None:
        return listed
    default = (
        active.filter(document_types__isnull=True, is_legal_normative=False).order_by("id").first()
    )
    if default is not None:
        return default
    registers_ensure_defaults(agency_id=agency_id)
    name = INCOMING_REGISTER if kind == RegisterKind.INCOMING else OUTGOING_REGISTER
    return Register.objects.get(agency_id=agency_id, kind=kind, name=name)

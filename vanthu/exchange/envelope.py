"""What travels with a document between agencies: its metadata, as a frozen dataclass.

The same `Envelope` is built from an issued outgoing document (the sender), stored with a
reception (the receiver, `Reception.metadata`) and mapped to and from edXML's MessageHeader, so
a document delivered inside one instance and one that came as a packet look alike to the clerk.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from vanthu.registry.models import OutgoingDocument
from vanthu.registry.outgoing import recipients_display


@dataclass(frozen=True)
class Envelope:
    """The metadata of a document sent to another agency (edXML MessageHeader, NĐ 30 Phụ lục VI)."""

    sender_identifier: str
    sender_name: str
    number: str
    notation: str
    document_date: date
    type_code: str
    type_name: str
    summary: str
    signer_name: str = ""
    signer_position: str = ""
    urgency: str = "normal"
    due_date: date | None = None
    page_count: int | None = None
    place: str = ""
    to_places: tuple[str, ...] = field(default_factory=tuple)
    paper_copy_follows: bool = False

    @property
    def number_notation(self) -> str:
        """Số và ký hiệu as printed: `125/STTTT-VP`."""
        return f"{self.number}/{self.notation}" if self.notation else self.number

    @property
    def document_id(self) -> str:
        """edXML DocumentId: `<OrganId>,<yyyy/MM/dd>,<number>/<notation>`."""
        return f"{self.sender_identifier},{self.document_date:%Y/%m/%d},{self.number_notation}"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (dates as ISO strings)."""
        values = asdict(self)
        values["document_date"] = self.document_date.isoformat()
        values["due_date"] = self.due_date.isoformat() if self.due_date else None
        values["to_places"] = list(self.to_places)
        return values

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Envelope:
        """Return the envelope `to_dict` wrote."""
        data = dict(values)
        data["document_date"] = date.fromisoformat(data["document_date"])
        data["due_date"] = date.fromisoformat(data["due_date"]) if data.get("due_date") else None
        data["to_places"] = tuple(data.get("to_places") or ())
        return cls(**data)


def envelope_of(document: OutgoingDocument, *, paper_copy_follows: bool) -> Envelope:
    """Return the envelope of an issued outgoing document."""
    assert document.number is not None
    assert document.document_date is not None
    agency = document.agency
    return Envelope(
        sender_identifier=agency.identifier,
        sender_name=agency.name,
        # As printed: 01/STTTT-VP, 22/2017/QĐ-UBND (the year belongs to the ký hiệu part here).
        number=f"{document.number:02d}",
        notation=document.notation,
        document_date=document.document_date,
        type_code=document.document_type.code,
        type_name=document.document_type.name,
        summary=document.summary,
        signer_name=document.signer_name,
        signer_position=document.signer_position,
        urgency=document.urgency,
        page_count=document.page_count,
        place=agency.address,
        to_places=tuple(recipients_display(document)),
        paper_copy_follows=paper_copy_follows,
    )

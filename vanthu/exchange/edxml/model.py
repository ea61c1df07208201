"""The content of edXML packets (QCVN 102:2016) as frozen dataclasses.

Field names follow the element names of standards.md §1 in snake_case (``OrganAdd`` is
``address``; ``Bussiness`` is spelled ``business``). Text that is absent and text that is empty
both read as ``""``; numbers and dates that are absent or empty read as ``None``. Timestamps are
Vietnam time (UTC+7, no daylight saving): the packets carry no zone, the reader attaches +07:00.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Literal

from .errors import Defect, Recovery

__all__ = [
    "VIETNAM_TIME",
    "Attachment",
    "AttachmentFile",
    "Business",
    "BusinessDocType",
    "BusinessDocumentInfo",
    "Code",
    "DocumentPacket",
    "DocumentType",
    "Organization",
    "OtherInfo",
    "ParsedPacket",
    "PromulgationInfo",
    "Receiver",
    "ReplacementInfo",
    "ResponseFor",
    "SignerInfo",
    "StaffInfo",
    "StatusCode",
    "StatusPacket",
    "TraceHeader",
]

VIETNAM_TIME = dt.timezone(dt.timedelta(hours=7), "ICT")
# QCVN 102:2016 form V1V2V3.Z1Z2.Y1Y2.MX1X2, 13 characters (standards.md §2.1).
_ORGAN_ID = re.compile(r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}")


class StatusCode(StrEnum):
    """Status codes of status packets (standards.md §1.5). Stored values: never rename them."""

    ARRIVED = "01"
    RETURNED = "02"
    REGISTERED = "03"
    ASSIGNED = "04"
    IN_PROGRESS = "05"
    DONE = "06"
    TAKE_BACK_REQUESTED = "13"
    TAKE_BACK_ACCEPTED = "15"
    TAKE_BACK_REFUSED = "16"


class BusinessDocType(IntEnum):
    """``Bussiness/BussinessDocType``: what the document packet does."""

    NEW = 0
    REVOKE = 1
    UPDATE = 2
    REPLACE = 3


@dataclass(frozen=True)
class Organization:
    """``From`` or ``To``: an agency with its identifier (mã định danh, standards.md §2)."""

    organ_id: str
    organ_name: str = ""
    organization_in_charge: str = ""
    address: str = ""
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""

    @property
    def has_standard_id(self) -> bool:
        """Tell whether ``organ_id`` has the 13-character QCVN 102 form (``000.00.00.G22``).

        Not enforced on reading: the published samples use others (``28.22.H17``).
        """
        return _ORGAN_ID.fullmatch(self.organ_id) is not None


@dataclass(frozen=True)
class Code:
    """``Code``: number (số) and notation (ký hiệu), kept apart as the packet carries them."""

    number: str
    notation: str

    @property
    def display(self) -> str:
        """Return ``number/notation`` as printed on the document."""
        return self.number + "/" + self.notation if self.notation else self.number


@dataclass(frozen=True)
class PromulgationInfo:
    place: str = ""
    date: dt.date | None = None


@dataclass(frozen=True)
class DocumentType:
    type: int | None = None
    type_detail: int | None = None
    type_name: str = ""


@dataclass(frozen=True)
class SignerInfo:
    competence: str = ""
    position: str = ""
    full_name: str = ""


@dataclass(frozen=True)
class OtherInfo:
    priority: int | None = None
    sphere_of_promulgation: str = ""
    typer_notation: str = ""
    promulgation_amount: int | None = None
    page_amount: int | None = None
    direction: bool | None = None
    appendixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResponseFor:
    """The document a reply or a status answers; ``code`` is one string such as ``7816/VPCP``."""

    organ_id: str = ""
    code: str = ""
    promulgation_date: dt.date | None = None
    document_id: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.organ_id or self.code or self.promulgation_date or self.document_id)


@dataclass(frozen=True)
class StaffInfo:
    department: str = ""
    staff: str = ""
    mobile: str = ""
    email: str = ""


@dataclass(frozen=True)
class TraceHeader:
    organ_id: str
    timestamp: dt.datetime | None = None


@dataclass(frozen=True)
class Receiver:
    organ_id: str
    receiver_type: int | None = None


@dataclass(frozen=True)
class BusinessDocumentInfo:
    """Update (BussinessDocType 2): what changed and for whom (integers undocumented)."""

    document_info: int | None = None
    document_receiver: int | None = None
    receivers: tuple[Receiver, ...] = ()


@dataclass(frozen=True)
class ReplacementInfo:
    """Replacement (BussinessDocType 3): a replaced document and the agencies concerned."""

    document_id: str
    organ_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Business:
    """``TraceHeaderList/Bussiness``."""

    doc_type: BusinessDocType
    reason: str = ""
    document_id: str = ""
    paper: int | None = None
    staff: StaffInfo | None = None
    document_info: BusinessDocumentInfo | None = None
    replacements: tuple[ReplacementInfo, ...] = ()


@dataclass(frozen=True)
class AttachmentFile:
    """A file of an attachment: the attachment itself, or one entry of a zipped attachment.

    ``packet`` is set when the file is itself an edXML packet (published defect: a zip holding
    a whole packet); the file's ``data`` stays the packet's raw bytes.
    """

    name: str
    data: bytes
    packet: ParsedPacket | None = None


@dataclass(frozen=True)
class Attachment:
    """One attachment: manifest ``Reference`` and ``AttachmentEncoded/Attachment`` merged.

    ``data`` is the decoded base64 as transmitted (the zip itself when zipped); ``files`` what
    it holds. ``data`` is ``None`` only when the reader was asked to report, not refuse, an
    attachment that could not be decoded (``ParsedPacket.defects`` says why).
    Build attachments to write with ``attachment_build`` so that ``files`` match ``data``.
    """

    content_id: str
    name: str
    content_type: str
    description: str
    data: bytes | None
    is_zipped: bool = False
    files: tuple[AttachmentFile, ...] = ()

    @property
    def size(self) -> int | None:
        return None if self.data is None else len(self.data)


@dataclass(frozen=True)
class DocumentPacket:
    """A document packet: ``MessageHeader``, ``TraceHeaderList`` and attachments."""

    sender: Organization
    recipients: tuple[Organization, ...]
    code: Code
    promulgation: PromulgationInfo
    subject: str
    document_type: DocumentType = field(default_factory=DocumentType)
    content: str = ""
    signer: SignerInfo = field(default_factory=SignerInfo)
    due_date: dt.date | None = None
    to_places: tuple[str, ...] = ()
    other_info: OtherInfo = field(default_factory=OtherInfo)
    response_for: tuple[ResponseFor, ...] = ()
    steering_type: int | None = None
    document_id: str = ""
    application_type: str = ""
    traces: tuple[TraceHeader, ...] = ()
    business: Business | None = None
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class StatusPacket:
    """A status packet: who reports which status of which document, when.

    ``recipients``: the agencies it is addressed to, when the packet names them (``To``; the
    published samples do not, the document answered is in ``response_for``).
    """

    sender: Organization
    response_for: ResponseFor
    status_code: StatusCode
    timestamp: dt.datetime
    description: str = ""
    staff: StaffInfo | None = None
    recipients: tuple[Organization, ...] = ()


@dataclass(frozen=True)
class ParsedPacket:
    """What the reader made of the bytes: the packet and the evidence of how it was read.

    ``recoveries``: defects repaired (record them with the raw bytes). ``defects``: parts that
    could not be read (only when the reader was asked to report rather than refuse them).
    ``unknown_elements``: paths of elements the reader does not know and ignored.
    ``has_signature``: a ``Signature`` element is in the header (verify it separately).
    """

    packet: DocumentPacket | StatusPacket
    recoveries: tuple[Recovery, ...] = ()
    defects: tuple[Defect, ...] = ()
    unknown_elements: tuple[str, ...] = ()
    has_signature: bool = False

    @property
    def kind(self) -> Literal["document", "status"]:
        return "document" if isinstance(self.packet, DocumentPacket) else "status"

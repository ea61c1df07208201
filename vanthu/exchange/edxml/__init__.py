"""edXML packets (QCVN 102:2016/BTTTT): read, write, sign and verify. Pure: no Django, no ORM.

``read_packet(raw)`` returns a ``ParsedPacket`` (the packet as frozen dataclasses, with the
recoveries applied) or raises ``EdxmlError``; ``write_packet(packet)`` returns bytes that read
back to an equal packet; ``sign_packet`` and ``verify_packet_signature`` handle the XML-DSig
signature of the header. See docs/adr/0017-edxml-packets.md.
"""

from .errors import Defect, EdxmlError, ErrorCode, Recovery, RecoveryCode
from .limits import DEFAULT_LIMITS, Limits
from .model import (
    VIETNAM_TIME,
    Attachment,
    AttachmentFile,
    Business,
    BusinessDocType,
    BusinessDocumentInfo,
    Code,
    DocumentPacket,
    DocumentType,
    Organization,
    OtherInfo,
    ParsedPacket,
    PromulgationInfo,
    Receiver,
    ReplacementInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusCode,
    StatusPacket,
    TraceHeader,
)
from .reader import read_packet
from .signature import (
    PacketSigner,
    PemSigner,
    SignatureReport,
    SignatureStatus,
    sign_packet,
    verify_packet_signature,
)
from .writer import attachment_build, write_packet

__all__ = [
    "DEFAULT_LIMITS",
    "VIETNAM_TIME",
    "Attachment",
    "AttachmentFile",
    "Business",
    "BusinessDocType",
    "BusinessDocumentInfo",
    "Code",
    "Defect",
    "DocumentPacket",
    "DocumentType",
    "EdxmlError",
    "ErrorCode",
    "Limits",
    "Organization",
    "OtherInfo",
    "PacketSigner",
    "ParsedPacket",
    "PemSigner",
    "PromulgationInfo",
    "Receiver",
    "Recovery",
    "RecoveryCode",
    "ReplacementInfo",
    "ResponseFor",
    "SignatureReport",
    "SignatureStatus",
    "SignerInfo",
    "StaffInfo",
    "StatusCode",
    "StatusPacket",
    "TraceHeader",
    "attachment_build",
    "read_packet",
    "sign_packet",
    "verify_packet_signature",
    "write_packet",
]

"""The validation report of a PDF and the verdict on each signature (JSON-safe evidence).

Frozen into ``FileSignatureCheck.report`` and shown in plain Vietnamese; ``from_dict`` reads
reports written by earlier versions too (fields added later take their defaults).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = ["PdfReport", "SignatureCheck"]

Verdict = Literal["valid", "invalid", "indeterminate"]
Coverage = Literal["entire_file", "entire_revision", "partial"]
ChangesAfter = Literal["none", "allowed", "disallowed"]
Revocation = Literal["good", "revoked", "not_checked"]
Status = Literal["signed", "unsigned", "encrypted", "unreadable"]

_SOURCE_NAMES = {"ocsp": "OCSP", "crl": "CRL"}


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _from_iso(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


@dataclass
class SignatureCheck:
    """The verdict on one signature, with the facts behind it."""

    field_name: str
    kind: Literal["signature", "document_timestamp"] = "signature"
    signer_name: str = ""
    signer_organization: str = ""
    signer_title: str = ""
    certificate_serial: str = ""
    certificate_issuer: str = ""
    certificate_not_after: dt.datetime | None = None
    signing_time: dt.datetime | None = None
    timestamp_time: dt.datetime | None = None
    timestamp_trusted: bool = False
    intact: bool = False
    coverage: Coverage = "partial"
    changes_after: ChangesAfter = "disallowed"
    trusted: bool = False
    chain_problem: str | None = None
    expired_at_signing: bool = False
    revocation: Revocation = "not_checked"
    revocation_time: dt.datetime | None = None
    # what showed the chain unrevoked ("ocsp", "crl"); empty unless revocation is "good"
    revocation_sources: list[str] = field(default_factory=list)
    timestamp_certificate_not_after: dt.datetime | None = None
    verdict: Verdict = "indeterminate"
    reasons: list[str] = field(default_factory=list)
    summary_vi: str = ""

    _DATETIMES = (
        "certificate_not_after",
        "signing_time",
        "timestamp_time",
        "revocation_time",
        "timestamp_certificate_not_after",
    )

    @property
    def revocation_vi(self) -> str:
        """Say in Vietnamese whether revocation was checked, and how; never "good" unchecked."""
        if self.revocation == "revoked":
            return "Thu hồi chứng thư: đã bị thu hồi."
        if self.revocation == "good":
            sources = ", ".join(_SOURCE_NAMES.get(s, s) for s in self.revocation_sources)
            return (
                "Thu hồi chứng thư: đã kiểm tra"
                + (" (" + sources + ")" if sources else "")
                + ", chưa bị thu hồi."
            )
        return "Thu hồi chứng thư: chưa kiểm tra."

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dictionary (datetimes as ISO 8601 strings)."""
        data = asdict(self)
        for name in self._DATETIMES:
            data[name] = _iso(getattr(self, name))
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SignatureCheck:
        """Rebuild a check from ``to_dict`` output."""
        values = dict(data)
        for name in cls._DATETIMES:
            values[name] = _from_iso(values.get(name))
        values["reasons"] = list(values.get("reasons", []))
        values["revocation_sources"] = list(values.get("revocation_sources", []))
        return cls(**values)


@dataclass
class PdfReport:
    """The validation report of one PDF, stored with the document as evidence."""

    status: Status
    has_javascript: bool = False
    page_count: int = 0
    signatures: list[SignatureCheck] = field(default_factory=list)
    summary_vi: str = ""
    checked_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    revocation_checked: bool = False

    @property
    def all_valid(self) -> bool:
        """Return True when the file is signed and every signature is valid."""
        return self.status == "signed" and all(s.verdict == "valid" for s in self.signatures)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dictionary."""
        return {
            "status": self.status,
            "has_javascript": self.has_javascript,
            "page_count": self.page_count,
            "signatures": [s.to_dict() for s in self.signatures],
            "summary_vi": self.summary_vi,
            "checked_at": self.checked_at.isoformat(),
            "revocation_checked": self.revocation_checked,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PdfReport:
        """Rebuild a report from ``to_dict`` output."""
        checked_at = _from_iso(data.get("checked_at")) or dt.datetime.now(dt.UTC)
        return cls(
            status=data["status"],
            has_javascript=bool(data.get("has_javascript", False)),
            page_count=int(data.get("page_count", 0)),
            signatures=[SignatureCheck.from_dict(s) for s in data.get("signatures", [])],
            summary_vi=str(data.get("summary_vi", "")),
            checked_at=checked_at,
            revocation_checked=bool(data.get("revocation_checked", False)),
        )

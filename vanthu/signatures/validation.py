"""Validation of the signatures in a PDF, reported in plain Vietnamese (QĐ 28/2018 Điều 9).

``pdf_validate`` never raises on hostile input and never modifies the bytes: it reads them
through a read-only stream. For each signature it checks integrity, what the signature covers
and whether later changes are allowed, the signer's certificate and its chain to the
configured trust anchors, validity at signing time, and the revocation of every certificate of
the chain (``revocation.py``: CRLs and OCSP responses given, embedded in the document or
fetched). When no revocation data covers a certificate, revocation is "not_checked" and the
report says so ("chưa kiểm tra"); it never claims "not revoked" without evidence.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from .report import ChangesAfter, Coverage, PdfReport, SignatureCheck, Verdict
from .revocation import (
    ChainRevocation,
    RevocationData,
    chain_build,
    chain_revocation,
    cms_revocation_blobs,
)
from .signing import VN_TZ

__all__ = [
    "MAX_PDF_BYTES",
    "PdfReport",
    "SignatureCheck",
    "certificates_load_pem_dir",
    "pdf_validate",
    "validation_context_for",
]

MAX_PDF_BYTES = 256 * 1024 * 1024
_MAX_WALK_OBJECTS = 200_000


def _vn_time(value: dt.datetime) -> str:
    return value.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")


# --------------------------------------------------------------------------- configuration


def certificates_load_pem_dir(path: Path | str) -> list[x509.Certificate]:
    """Load every certificate (PEM, possibly several per file, or DER) from a directory."""
    directory = Path(path)
    certs: list[x509.Certificate] = []
    if not directory.is_dir():
        return certs
    for item in sorted(directory.iterdir()):
        if item.suffix.lower() not in (".pem", ".crt", ".cer", ".der") or not item.is_file():
            continue
        data = item.read_bytes()
        if b"-----BEGIN CERTIFICATE-----" in data:
            certs.extend(x509.load_pem_x509_certificates(data))
        else:
            certs.append(x509.load_der_x509_certificate(data))
    return certs


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def validation_context_for(
    trust_roots: Sequence[x509.Certificate],
    *,
    crls: Sequence[bytes] = (),
    ocsps: Sequence[bytes] = (),
    other_certs: Sequence[x509.Certificate] = (),
    allow_fetching: bool = False,
    at: dt.datetime | None = None,
) -> ValidationContext:
    """Return a pyHanko validation context (also for B-LT signing: its CRLs and OCSP responses,
    given or fetched, get embedded)."""
    return ValidationContext(
        trust_roots=[_asn1(c) for c in trust_roots],
        other_certs=[_asn1(c) for c in other_certs],
        crls=list(crls),
        ocsps=list(ocsps),
        allow_fetching=allow_fetching,
        revocation_mode="soft-fail",
        moment=at,
    )


# --------------------------------------------------------------------------- document checks

_JS_NAMES = ("/JS", "/JavaScript")


def _has_javascript(reader: PdfFileReader) -> bool:
    """Walk the object graph from the catalogue looking for JavaScript actions or names."""
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer_view]
    visited = 0
    while stack and visited < _MAX_WALK_OBJECTS:
        item = stack.pop()
        visited += 1
        if isinstance(item, generic.IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            try:
                item = item.get_object()  # type: ignore[no-untyped-call]
            except Exception:  # noqa: S112 - a dangling reference is not JavaScript
                continue
        if isinstance(item, generic.DictionaryObject):
            for name in _JS_NAMES:
                if name in item:
                    return True
            if item.get("/S") == "/JavaScript":
                return True
            for name in item:
                if name in ("/Parent", "/P"):
                    continue
                try:
                    stack.append(item.raw_get(name))
                except Exception:  # noqa: S112
                    continue
        elif isinstance(item, generic.ArrayObject):
            stack.extend(item)
    return False


def _raw_has_javascript(data: bytes) -> bool:
    return re.search(rb"/(JavaScript|JS)\b", data) is not None


# --------------------------------------------------------------------------- signature checks

_TRUST_PROBLEMS = {
    "NO_CERTIFICATE_CHAIN_FOUND": "không tìm thấy chuỗi chứng thư đến chứng thư gốc tin cậy "
    "đã cấu hình (tổ chức cấp chứng thư không được tin cậy)",
    "REVOKED": "chứng thư số đã bị thu hồi",
    "REVOKED_NO_POE": "chứng thư số đã bị thu hồi",
    "REVOKED_CA_NO_POE": "chứng thư của tổ chức cấp đã bị thu hồi",
    "EXPIRED": "chứng thư số đã hết hạn",
    "OUT_OF_BOUNDS_NO_POE": "chứng thư số không còn hiệu lực tại thời điểm kiểm tra "
    "và không có dấu thời gian chứng minh thời điểm ký",
    "OUT_OF_BOUNDS_NOT_REVOKED": "chứng thư số không còn hiệu lực tại thời điểm kiểm tra",
    "NOT_YET_VALID": "chứng thư số chưa có hiệu lực",
    "CHAIN_CONSTRAINTS_FAILURE": "chuỗi chứng thư không thỏa mãn ràng buộc",
    "CERTIFICATE_CHAIN_GENERAL_FAILURE": "chuỗi chứng thư không hợp lệ",
    "CRYPTO_CONSTRAINTS_FAILURE": "thuật toán mật mã không còn được chấp nhận",
    "CRYPTO_CONSTRAINTS_FAILURE_NO_POE": "thuật toán mật mã không còn được chấp nhận",
    "SIG_CONSTRAINTS_FAILURE": "chứng thư không được phép dùng để ký số (key usage)",
    "TRY_LATER": "chưa lấy được thông tin thu hồi",
}


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    if not values:
        return ""
    value = values[0].value
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def _embedded_certs(embedded: EmbeddedPdfSignature) -> list[x509.Certificate]:
    certs: list[x509.Certificate] = []
    for item in embedded.signed_data["certificates"] or ():
        try:
            certs.append(x509.load_der_x509_certificate(item.chosen.dump()))
        except Exception:  # noqa: S112 - attribute certificates and junk are skipped
            continue
    return certs


def _dss_data(reader: PdfFileReader) -> RevocationData:
    """Return the CRLs, OCSP responses and certificates of the document's DSS (PAdES B-LT)."""

    def blobs(key: str) -> list[bytes]:
        found: list[bytes] = []
        try:
            for ref in reader.root["/DSS"].get(key, []):
                try:
                    found.append(bytes(ref.get_object().data))
                except Exception:  # noqa: S112 - a broken stream is no evidence
                    continue
        except Exception:  # noqa: S110 - no DSS, or not a dictionary
            pass
        return found

    return RevocationData.load(crls=blobs("/CRLs"), ocsps=blobs("/OCSPs"), certs=blobs("/Certs"))


@dataclass(frozen=True)
class _Inputs:
    """What every signature of one file is checked with."""

    trust_roots: Sequence[x509.Certificate]
    revocation: RevocationData  # given CRLs and the document's DSS
    allow_fetching: bool
    at: dt.datetime | None


def _signature_inputs(
    embedded: EmbeddedPdfSignature, inputs: _Inputs
) -> tuple[ValidationContext, RevocationData, list[x509.Certificate]]:
    """Return the context for one signature, its revocation data and candidate issuers."""
    crls, ocsps = cms_revocation_blobs(embedded.signed_data, embedded.signer_info)
    data = inputs.revocation.merged(RevocationData.load(crls=crls, ocsps=ocsps))
    context = validation_context_for(
        inputs.trust_roots,
        crls=data.crl_blobs(),
        ocsps=data.ocsp_blobs(),
        other_certs=data.certs,
        allow_fetching=inputs.allow_fetching,
        at=inputs.at,
    )
    return context, data, [*_embedded_certs(embedded), *data.certs]


def _fetched(context: ValidationContext, data: RevocationData) -> RevocationData:
    """Add what pyHanko fetched online (VANTHU_SIGNATURE_FETCH) during validation."""
    if not context.fetching_allowed:
        return data
    fetched = RevocationData.load(
        crls=[c.dump() for c in context.crls], ocsps=[o.dump() for o in context.ocsps]
    )
    return data.merged(fetched)


def _chain_revocation(
    cert: x509.Certificate,
    *,
    candidates: Sequence[x509.Certificate],
    inputs: _Inputs,
    data: RevocationData,
    signed_at: dt.datetime | None,
) -> ChainRevocation:
    chain, complete = chain_build(cert, candidates=candidates, anchors=inputs.trust_roots)
    return chain_revocation(
        chain,
        data,
        complete=complete,
        moment=inputs.at or dt.datetime.now(dt.UTC),
        signed_at=signed_at,
    )


def _record_revocation(check: SignatureCheck, found: ChainRevocation) -> None:
    check.revocation = found.status
    check.revocation_time = found.revoked_at
    check.revocation_sources = list(found.sources) if found.status == "good" else []


def _revoked_reason(found: ChainRevocation, *, what: str) -> str:
    when = " từ " + _vn_time(found.revoked_at) if found.revoked_at else ""
    if found.revoked_is_signer:
        return what + " đã bị thu hồi" + when + "."
    return "Chứng thư của tổ chức cấp «" + found.revoked_name + "» đã bị thu hồi" + when + "."


def _not_checked_reason(found: ChainRevocation, *, fetching: bool) -> str:
    """Say which certificates were not checked for revocation, and why ("chưa kiểm tra")."""
    whose: list[str] = []
    if found.unchecked_signer:
        whose.append("chứng thư số của người ký")
    whose += ["chứng thư của tổ chức cấp «" + name + "»" for name in found.unchecked_authorities]
    if not found.chain_complete:
        why = "không xác định được chuỗi chứng thư đến tổ chức cấp tin cậy"
    elif found.stale:
        why = "danh sách thu hồi (CRL) hoặc phản hồi OCSP đã quá hạn"
    elif fetching:
        why = "không lấy được CRL/OCSP trực tuyến từ tổ chức cấp"
    else:
        why = "không có CRL/OCSP cho tổ chức cấp"
    return "Chưa kiểm tra được tình trạng thu hồi của " + ", ".join(whose) + ": " + why + "."


def _coverage(status: PdfSignatureStatus) -> Coverage:
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return "entire_file"
    if status.coverage == SignatureCoverageLevel.ENTIRE_REVISION:
        return "entire_revision"
    return "partial"


def _changes_after(status: PdfSignatureStatus, coverage: Coverage) -> ChangesAfter:
    if coverage == "entire_file":
        return "none"
    if coverage == "partial":
        return "disallowed"
    level = status.modification_level
    if level is None or level == ModificationLevel.NONE:
        return "none" if status.docmdp_ok is not False else "disallowed"
    if level == ModificationLevel.OTHER or status.docmdp_ok is False:
        return "disallowed"
    return "allowed"


def _check_signature(embedded: EmbeddedPdfSignature, inputs: _Inputs) -> SignatureCheck:
    check = SignatureCheck(field_name=str(embedded.field_name))
    try:
        cert = x509.load_der_x509_certificate(embedded.signer_cert.dump())
    except Exception:
        check.verdict = "invalid"
        check.reasons.append("Không đọc được chứng thư số của người ký trong chữ ký.")
        check.summary_vi = "Không hợp lệ — không đọc được chứng thư số của người ký."
        return check
    check.signer_name = _attribute(cert.subject, NameOID.COMMON_NAME)
    check.signer_organization = _attribute(cert.subject, NameOID.ORGANIZATION_NAME)
    check.signer_title = _attribute(cert.subject, NameOID.TITLE)
    check.certificate_serial = format(cert.serial_number, "X")
    check.certificate_issuer = cert.issuer.rfc4514_string()
    check.certificate_not_after = cert.not_valid_after_utc

    context, data, candidates = _signature_inputs(embedded, inputs)
    if embedded.sig_object_type == "/DocTimeStamp":
        return _check_document_timestamp(embedded, check, cert, context, data, candidates, inputs)
    ts_context = validation_context_for(
        inputs.trust_roots,
        crls=data.crl_blobs(),
        ocsps=data.ocsp_blobs(),
        other_certs=data.certs,
        allow_fetching=inputs.allow_fetching,
        at=inputs.at,
    )
    status = validate_pdf_signature(
        embedded, signer_validation_context=context, ts_validation_context=ts_context
    )
    check.intact = bool(status.intact and status.valid)
    check.signing_time = status.signer_reported_dt
    ts = status.timestamp_validity
    if ts is not None:
        check.timestamp_time = ts.timestamp
        check.timestamp_trusted = bool(ts.intact and ts.valid and ts.trusted)
        # the token's certificate itself is judged by pyHanko; this only feeds preservation
        with contextlib.suppress(Exception):
            check.timestamp_certificate_not_after = x509.load_der_x509_certificate(
                ts.signing_cert.dump()
            ).not_valid_after_utc
    check.coverage = _coverage(status)
    check.changes_after = _changes_after(status, check.coverage)

    # The time of signing: a trusted timestamp, else the time the signer claims. Without
    # either, the certificate's validity is judged only at validation time (by pyHanko).
    proven = check.timestamp_time if check.timestamp_trusted else None
    moment = proven or check.signing_time
    check.expired_at_signing = moment is not None and not (
        cert.not_valid_before_utc <= moment <= cert.not_valid_after_utc
    )
    # Every certificate of the chain up to a trust anchor (the signer's and each intermediate
    # CA's), against the CRLs and OCSP responses given, embedded or fetched.
    found = _chain_revocation(
        cert,
        candidates=candidates,
        inputs=inputs,
        data=_fetched(context, data),
        signed_at=proven,
    )
    if found.status == "not_checked" and status.revoked:
        ca = getattr(status.trust_problem_indic, "name", "") == "REVOKED_CA_NO_POE"
        found = ChainRevocation(
            "revoked",
            revoked_is_signer=not ca,
            revoked_name=_attribute(cert.issuer, NameOID.COMMON_NAME) if ca else "",
        )
    _record_revocation(check, found)
    check.trusted = bool(status.trusted) and found.status != "revoked"
    indic = status.trust_problem_indic
    if not status.trusted and indic is not None:
        check.chain_problem = _TRUST_PROBLEMS.get(
            getattr(indic, "name", ""), "chuỗi chứng thư không hợp lệ"
        )

    reasons = check.reasons
    verdict: Verdict = "valid"
    if not status.intact:
        verdict = "invalid"
        reasons.append("Nội dung đã bị thay đổi sau khi ký (giá trị băm không khớp).")
    elif not status.valid:
        verdict = "invalid"
        reasons.append("Chữ ký số không đúng về mặt mật mã.")
    if check.coverage == "partial":
        verdict = "invalid"
        reasons.append("Chữ ký chỉ bao phủ một phần tệp; phần còn lại không được bảo vệ.")
    elif check.changes_after == "disallowed":
        verdict = "invalid"
        reasons.append(
            "Tệp đã bị sửa đổi sau khi ký theo cách không được phép "
            "(không phải điền biểu mẫu hay ký thêm)."
        )
    if ts is not None and not (ts.intact and ts.valid):
        verdict = "invalid"
        reasons.append("Dấu thời gian trong chữ ký không hợp lệ.")
    if found.status == "revoked":
        verdict = "invalid"
        reasons.append(_revoked_reason(found, what="Chứng thư số"))
    if check.expired_at_signing:
        verdict = "invalid"
        reasons.append("Chứng thư số đã hết hạn hoặc chưa có hiệu lực tại thời điểm ký.")
    if not check.trusted and verdict == "valid":
        verdict = "indeterminate"
    if not check.trusted and check.chain_problem and found.status != "revoked":
        reasons.append("Chứng thư số không được tin cậy: " + check.chain_problem + ".")
    if ts is not None and ts.intact and ts.valid and not check.timestamp_trusted:
        reasons.append("Tổ chức cấp dấu thời gian không nằm trong danh sách tin cậy.")
    if found.status == "not_checked":
        reasons.append(_not_checked_reason(found, fetching=inputs.allow_fetching))
    check.verdict = verdict
    check.summary_vi = _signature_summary(check)
    return check


def _check_document_timestamp(
    embedded: EmbeddedPdfSignature,
    check: SignatureCheck,
    cert: x509.Certificate,
    context: ValidationContext,
    data: RevocationData,
    candidates: Sequence[x509.Certificate],
    inputs: _Inputs,
) -> SignatureCheck:
    """Judge a document timestamp (PAdES B-LTA) the same way as a signature."""
    check.kind = "document_timestamp"
    status = validate_pdf_timestamp(embedded, validation_context=context)
    check.intact = bool(status.intact and status.valid)
    check.signing_time = check.timestamp_time = status.timestamp
    check.timestamp_trusted = bool(status.trusted)
    check.timestamp_certificate_not_after = cert.not_valid_after_utc
    check.trusted = bool(status.trusted)
    check.coverage = _coverage(status)  # type: ignore[arg-type]
    check.changes_after = _changes_after(status, check.coverage)  # type: ignore[arg-type]
    check.expired_at_signing = not (
        cert.not_valid_before_utc <= status.timestamp <= cert.not_valid_after_utc
    )
    found = _chain_revocation(
        cert,
        candidates=candidates,
        inputs=inputs,
        data=_fetched(context, data),
        signed_at=status.timestamp if status.trusted else None,
    )
    _record_revocation(check, found)
    indic = status.trust_problem_indic
    if not status.trusted and indic is not None:
        check.chain_problem = _TRUST_PROBLEMS.get(getattr(indic, "name", ""), "chuỗi không hợp lệ")
    verdict: Verdict = "valid"
    if not check.intact:
        verdict = "invalid"
        check.reasons.append("Dấu thời gian tài liệu không còn nguyên vẹn.")
    if check.coverage == "partial" or check.changes_after == "disallowed":
        verdict = "invalid"
        check.reasons.append("Tệp đã bị sửa đổi sau dấu thời gian theo cách không được phép.")
    if found.status == "revoked":
        verdict = "invalid"
        check.reasons.append(_revoked_reason(found, what="Chứng thư của tổ chức cấp dấu thời gian"))
    if check.expired_at_signing:
        verdict = "invalid"
        check.reasons.append(
            "Chứng thư của tổ chức cấp dấu thời gian đã hết hạn tại thời điểm đóng dấu."
        )
    if verdict == "valid" and not check.trusted:
        verdict = "indeterminate"
        check.reasons.append(
            "Tổ chức cấp dấu thời gian không được tin cậy"
            + (": " + check.chain_problem if check.chain_problem else "")
            + "."
        )
    check.verdict = verdict
    when = _vn_time(status.timestamp)
    if verdict == "valid":
        check.summary_vi = (
            "Dấu thời gian tài liệu hợp lệ — do " + check.signer_name + " cấp lúc " + when
        )
    else:
        head = "Không hợp lệ" if verdict == "invalid" else "Chưa xác định được"
        check.summary_vi = (
            head
            + " — dấu thời gian tài liệu lúc "
            + when
            + ": "
            + (check.reasons[0].rstrip(".") if check.reasons else "")
        )
    return check


def _signature_summary(check: SignatureCheck) -> str:
    parts: list[str] = []
    for part in (check.signer_name, check.signer_title, check.signer_organization):
        if part and part not in parts:
            parts.append(part)
    who = ", ".join(parts)
    when_value = (
        check.timestamp_time
        if check.timestamp_time is not None and check.timestamp_trusted
        else check.signing_time
    )
    when = ", lúc " + _vn_time(when_value) if when_value else ""
    if check.verdict == "valid":
        text = "Hợp lệ — ký bởi " + who + when
        if check.revocation == "not_checked":
            text += " (chưa kiểm tra thu hồi chứng thư)"
        return text
    head = "Không hợp lệ" if check.verdict == "invalid" else "Chưa xác định được"
    first = check.reasons[0].rstrip(".") if check.reasons else ""
    return head + " — chữ ký của " + (who or "người ký không rõ") + when + ": " + first


def _report_summary(report: PdfReport) -> str:
    if report.status == "encrypted":
        return "Tệp PDF được mã hóa hoặc đặt mật khẩu; không kiểm tra được chữ ký số."
    if report.status == "unreadable":
        return "Tệp không đọc được như một PDF hợp lệ (tệp hỏng hoặc không phải PDF)."
    parts: list[str] = []
    if report.status == "unsigned":
        parts.append("Tệp PDF không có chữ ký số.")
    else:
        counts = {"valid": 0, "invalid": 0, "indeterminate": 0}
        for check in report.signatures:
            counts[check.verdict] += 1
        detail = []
        if counts["valid"]:
            detail.append(str(counts["valid"]) + " hợp lệ")
        if counts["invalid"]:
            detail.append(str(counts["invalid"]) + " không hợp lệ")
        if counts["indeterminate"]:
            detail.append(str(counts["indeterminate"]) + " chưa xác định được")
        parts.append(
            "Tệp có " + str(len(report.signatures)) + " chữ ký số: " + ", ".join(detail) + "."
        )
        if any(s.revocation == "not_checked" for s in report.signatures):
            parts.append("Chưa kiểm tra thu hồi chứng thư cho một số chữ ký.")
    if report.has_javascript:
        parts.append("Cảnh báo: tệp có chứa JavaScript.")
    return " ".join(parts)


def pdf_validate(
    data: bytes,
    *,
    trust_roots: Sequence[x509.Certificate],
    crls: Sequence[bytes] = (),
    allow_fetching: bool = False,
    at: dt.datetime | None = None,
    max_bytes: int = MAX_PDF_BYTES,
) -> PdfReport:
    """Validate every signature in ``data`` and return the report; never raises on bad input.

    ``crls`` (DER or PEM) are used for revocation, together with the CRLs and OCSP responses
    embedded in the document (the DSS of B-LT, the CMS of each signature) and, with
    ``allow_fetching``, those fetched online; ``at`` is the validation time (default now).
    """
    checked_at = dt.datetime.now(dt.UTC)
    try:
        return _validate(
            bytes(data),
            trust_roots=trust_roots,
            crls=crls,
            allow_fetching=allow_fetching,
            at=at,
            max_bytes=max_bytes,
            checked_at=checked_at,
        )
    except Exception:
        report = PdfReport(status="unreadable", checked_at=checked_at)
        report.summary_vi = _report_summary(report)
        return report


def _validate(
    data: bytes,
    *,
    trust_roots: Sequence[x509.Certificate],
    crls: Sequence[bytes],
    allow_fetching: bool,
    at: dt.datetime | None,
    max_bytes: int,
    checked_at: dt.datetime,
) -> PdfReport:
    report = PdfReport(status="unreadable", checked_at=checked_at)
    if len(data) > max_bytes or b"%PDF-" not in data[:1024]:
        report.summary_vi = _report_summary(report)
        return report
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            report.status = "encrypted"
            report.has_javascript = _raw_has_javascript(data)
            report.summary_vi = _report_summary(report)
            return report
        report.page_count = int(reader.root["/Pages"]["/Count"])
        embedded = list(reader.embedded_signatures)
    except Exception:
        report.summary_vi = _report_summary(report)
        return report
    try:
        report.has_javascript = _has_javascript(reader)
    except Exception:
        report.has_javascript = _raw_has_javascript(data)
    inputs = _Inputs(
        trust_roots=trust_roots,
        revocation=RevocationData.load(crls=crls).merged(_dss_data(reader)),
        allow_fetching=allow_fetching,
        at=at,
    )
    report.status = "signed" if embedded else "unsigned"
    for signature in embedded:
        try:
            check = _check_signature(signature, inputs)
        except Exception:
            check = SignatureCheck(field_name=str(signature.field_name), verdict="invalid")
            check.reasons.append("Không đọc hoặc không kiểm tra được chữ ký này (dữ liệu hỏng).")
            check.summary_vi = "Không hợp lệ — không kiểm tra được chữ ký (dữ liệu hỏng)."
        report.signatures.append(check)
    report.revocation_checked = bool(report.signatures) and all(
        s.revocation != "not_checked" for s in report.signatures
    )
    report.summary_vi = _report_summary(report)
    return report

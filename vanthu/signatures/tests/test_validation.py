"""Verdicts of pdf_validate on good, tampered, partial, expired, untrusted, revoked and hostile
PDFs: the right verdict every time, never an exception."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import json
import re

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from vanthu.signatures.pki import testpki_crl, testpki_revoke
from vanthu.signatures.signing import sign_as_agency_copy, sign_as_signer
from vanthu.signatures.validation import (
    PdfReport,
    certificates_load_pem_dir,
    pdf_validate,
)

from .fixtures import AGENCY, SIGNER, TITLE, issue, make_pdf

SUMMARY_VALID = re.compile(
    r"^Hợp lệ — ký bởi Nguyễn Văn A, Giám đốc, Sở Thông tin và Truyền thông, "
    r"lúc \d\d/\d\d/\d{4} \d\d:\d\d$"
)


@pytest.fixture(scope="module")
def signed(draft, leader, signature_png):
    return sign_as_signer(
        draft,
        signer=leader.signer(),
        signer_name=SIGNER,
        signer_title=TITLE,
        signature_image=signature_png,
    )


def test_valid_signature_summary_in_vietnamese(signed, pki):
    report = pdf_validate(signed, trust_roots=[pki.root_cert], crls=[testpki_crl(pki)])
    check = report.signatures[0]
    assert check.verdict == "valid"
    assert check.revocation == "good"
    assert check.coverage == "entire_file"
    assert SUMMARY_VALID.match(check.summary_vi), check.summary_vi
    assert report.summary_vi == "Tệp có 1 chữ ký số: 1 hợp lệ."
    assert report.revocation_checked


def test_revocation_not_checked_is_said_never_claimed_good(signed, pki):
    report = pdf_validate(signed, trust_roots=[pki.root_cert])
    check = report.signatures[0]
    assert check.revocation == "not_checked"
    assert check.verdict == "valid"
    assert check.summary_vi.endswith("(chưa kiểm tra thu hồi chứng thư)")
    assert any("Chưa kiểm tra được tình trạng thu hồi" in r for r in check.reasons)
    assert "Chưa kiểm tra thu hồi chứng thư" in report.summary_vi
    assert not report.revocation_checked


def test_content_changed_in_incremental_update_after_signing(signed, pki):
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 100 Td (GIA MAO) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream))
    out = io.BytesIO()
    writer.write(out)
    changed = out.getvalue()
    assert changed.startswith(signed)
    check = pdf_validate(changed, trust_roots=[pki.root_cert]).signatures[0]
    assert check.intact  # the signed revision itself is untouched
    assert check.coverage == "entire_revision"
    assert check.changes_after == "disallowed"
    assert check.verdict == "invalid"
    assert check.summary_vi.startswith("Không hợp lệ — ")
    assert "sửa đổi sau khi ký" in check.summary_vi


def _partial_coverage(signed: bytes, identity) -> bytes:
    """Re-sign ``signed`` so that its ByteRange leaves the end of the revision unsigned."""
    reader = PdfFileReader(io.BytesIO(signed))
    _, len1, start2, len2 = reader.embedded_signatures[0].byte_range
    old = re.search(rb"/ByteRange\s*\[\s*0\s+%d\s+%d\s+%d\s*\]\s*" % (len1, start2, len2), signed)
    assert old is not None
    new_len2 = len2 - 60  # leave xref trailer and %%EOF of the revision outside the signature
    text = b"/ByteRange [0 %d %d %d]" % (len1, start2, new_len2)
    text = text.ljust(old.end() - old.start(), b" ")
    data = signed[: old.start()] + text + signed[old.end() :]
    digest = hashlib.sha256(data[:len1] + data[start2 : start2 + new_len2]).digest()
    cms = asyncio.run(identity.signer().async_sign(digest, "sha256", use_pades=True))
    hex_cms = cms.dump().hex().encode().ljust(start2 - len1 - 2, b"0")
    return data[: len1 + 1] + hex_cms + data[start2 - 1 :]


def test_signature_covering_part_of_the_file(signed, leader, pki):
    partial = _partial_coverage(signed, leader)
    check = pdf_validate(partial, trust_roots=[pki.root_cert]).signatures[0]
    assert check.intact  # the bytes it does cover are intact ...
    assert check.coverage == "partial"  # ... but it does not cover the whole revision
    assert check.verdict == "invalid"
    assert "một phần tệp" in check.summary_vi


def test_expired_certificate_at_signing(pki, draft):
    now = dt.datetime.now(dt.UTC)
    expired = issue(
        pki,
        common_name="Trần Thị B",
        organization=AGENCY,
        title="Phó Giám đốc",
        kind="person",
        not_before=now - dt.timedelta(days=800),
        not_after=now - dt.timedelta(days=30),
    )
    data = sign_as_signer(
        draft,
        signer=expired.signer(),
        signer_name="Trần Thị B",
        signer_title="Phó Giám đốc",
        signature_image=None,
    )
    check = pdf_validate(data, trust_roots=[pki.root_cert], crls=[testpki_crl(pki)]).signatures[0]
    assert check.expired_at_signing
    assert check.verdict == "invalid"
    assert not check.trusted
    assert any("hết hạn" in r for r in check.reasons)


def test_untrusted_root(other_pki, pki, draft):
    """A look-alike test root (same name, other key) is not trusted."""
    stranger = issue(other_pki, common_name="Lê Văn C", organization="Cơ quan lạ", kind="person")
    data = sign_as_signer(
        draft,
        signer=stranger.signer(),
        signer_name="Lê Văn C",
        signer_title="Chuyên viên",
        signature_image=None,
    )
    check = pdf_validate(data, trust_roots=[pki.root_cert]).signatures[0]
    assert check.intact
    assert not check.trusted
    assert check.verdict == "indeterminate"
    # the other root has the same name as ours, so the chain is found but does not verify
    assert check.chain_problem
    assert check.summary_vi.startswith("Chưa xác định được — ")
    # trusting that other root makes it valid
    assert pdf_validate(data, trust_roots=[other_pki.root_cert]).signatures[0].verdict == "valid"
    # with no trust anchor at all, no chain is found
    nothing = pdf_validate(data, trust_roots=[]).signatures[0]
    assert nothing.verdict == "indeterminate"
    assert nothing.chain_problem
    assert "tin cậy" in nothing.chain_problem


def test_revoked_certificate_with_local_crl(pki, draft):
    revoked = issue(
        pki, common_name="Phạm Văn D", organization=AGENCY, title="Trưởng phòng", kind="person"
    )
    data = sign_as_signer(
        draft,
        signer=revoked.signer(),
        signer_name="Phạm Văn D",
        signer_title="Trưởng phòng",
        signature_image=None,
    )
    before = pdf_validate(data, trust_roots=[pki.root_cert], crls=[testpki_crl(pki)])
    assert before.signatures[0].revocation == "good"
    testpki_revoke(pki, revoked.cert)
    crl = testpki_crl(pki)
    check = pdf_validate(data, trust_roots=[pki.root_cert], crls=[crl]).signatures[0]
    assert check.revocation == "revoked"
    assert check.revocation_time is not None
    assert check.verdict == "invalid"
    assert any("thu hồi" in r for r in check.reasons)


def test_encrypted_pdf(encrypted_pdf, pki):
    report = pdf_validate(encrypted_pdf, trust_roots=[pki.root_cert])
    assert report.status == "encrypted"
    assert report.signatures == []
    assert "mã hóa" in report.summary_vi


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"%PDF-",
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF",
        b"\x00" * 4096,
        b"GIF89a not a pdf",
    ],
)
def test_corrupt_pdf(data, pki):
    report = pdf_validate(data, trust_roots=[pki.root_cert])
    assert report.status == "unreadable"
    assert "không đọc được" in report.summary_vi


def test_hostile_mutations_never_raise(signed, pki):
    size = len(signed)
    variants = [signed[: size // k] for k in (2, 3, 5, 10)]
    variants += [signed[:i] + b"\xff" * 16 + signed[i + 16 :] for i in range(0, size, size // 25)]
    variants.append(signed.replace(b"/ByteRange", b"/ByteRangX"))
    variants.append(signed.replace(b"/Contents <", b"/Contents (", 1))
    for data in variants:
        report = pdf_validate(data, trust_roots=[pki.root_cert])
        assert report.status in ("signed", "unsigned", "unreadable")
        assert all(s.verdict != "valid" for s in report.signatures) or data == signed
        json.dumps(report.to_dict())


def test_pdf_with_javascript_is_flagged(agency, pki):
    data = sign_as_agency_copy(
        make_pdf(1, javascript=True),
        signer=agency.signer(),
        agency_name=AGENCY,
        number_notation="7/SY-STTTT",
    )
    report = pdf_validate(data, trust_roots=[pki.root_cert])
    assert report.has_javascript
    assert report.signatures[0].verdict == "valid"
    assert "JavaScript" in report.summary_vi
    plain = pdf_validate(make_pdf(1), trust_roots=[pki.root_cert])
    assert plain.status == "unsigned"
    assert not plain.has_javascript
    assert plain.summary_vi == "Tệp PDF không có chữ ký số."


def test_five_hundred_pages(agency, pki):
    big = make_pdf(500)
    data = sign_as_agency_copy(
        big, signer=agency.signer(), agency_name=AGENCY, number_notation="9/SY-STTTT"
    )
    # (its time is measured by bench/signatures.py, not here)
    report = pdf_validate(data, trust_roots=[pki.root_cert])
    assert report.page_count == 500
    assert report.signatures[0].verdict == "valid"


def test_oversized_input_is_refused_not_parsed(signed, pki):
    report = pdf_validate(signed, trust_roots=[pki.root_cert], max_bytes=1000)
    assert report.status == "unreadable"


def test_validation_does_not_modify_input(signed, pki):
    copy = bytes(signed)
    pdf_validate(signed, trust_roots=[pki.root_cert])
    assert signed == copy


def test_report_round_trip(signed, pki):
    report = pdf_validate(signed, trust_roots=[pki.root_cert], crls=[testpki_crl(pki)])
    again = PdfReport.from_dict(json.loads(json.dumps(report.to_dict())))
    assert again == report
    assert again.signatures[0].signing_time == report.signatures[0].signing_time


def test_certificates_load_pem_dir(pki, tmp_path):
    (tmp_path / "root.pem").write_bytes(pki.root_cert_path.read_bytes() * 2)
    (tmp_path / "notes.txt").write_text("ignored")
    certs = certificates_load_pem_dir(tmp_path)
    assert certs == [pki.root_cert, pki.root_cert]
    assert certificates_load_pem_dir(tmp_path / "missing") == []

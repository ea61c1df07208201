"""The agency's text signature on attachments and copies (NĐ 30/2020 Phụ lục I): "Cơ quan",
"Số" and "Thời gian ký" in ISO 8601 at the top right of page 1, read back by poppler; and the
attachment the service signs at issue verified by pdfsig."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from vanthu.registry.choices import FileRole, SignatureStatus
from vanthu.registry.models import DocumentFile
from vanthu.registry.outgoing import outgoing_document_issue
from vanthu.signatures.outgoing import outgoing_document_sign
from vanthu.signatures.signing import VN_TZ, sign_as_agency_copy
from vanthu.signatures.tests.fixtures import AGENCY, TOKEN_PIN, make_pdf, pdfsig
from vanthu.signatures.tests.test_documents import _bytes, _draft
from vanthu.signatures.tests.test_documents import signing as signing
from vanthu.signatures.validation import pdf_validate

ISO_8601_VN = re.compile(r"^Thời gian ký: (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00)$")


def _text_lines(data: bytes, tmp_path: Path, *, box: tuple[int, int, int, int]) -> list[str]:
    """Return the text poppler reads in ``box`` (x, y, width, height, from the top left)."""
    from conftest import require_component

    require_component(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    path = tmp_path / "copy.pdf"
    path.write_bytes(data)
    x, y, width, height = box
    result = subprocess.run(
        [
            *("pdftotext", "-f", "1", "-l", "1", "-layout"),
            *("-x", str(x), "-y", str(y), "-W", str(width), "-H", str(height)),
            *(str(path), "-"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return [line.strip() for line in result.stdout.splitlines() if line.strip()]


def _signing_time(data: bytes, index: int = -1) -> dt.datetime:
    embedded = PdfFileReader(io.BytesIO(data)).embedded_signatures[index]
    return embedded.self_reported_timestamp


# the top right of an A4 page 1 (595 x 842 pt), where NĐ 30 puts the copy signature
TOP_RIGHT = (290, 0, 305, 60)


def test_the_copy_signature_reads_agency_number_and_iso_8601_time(agency, tmp_path):
    data = sign_as_agency_copy(
        make_pdf(1, text="Phụ lục kèm theo"),
        signer=agency.signer(),
        agency_name=AGENCY,
        number_notation="45/SY-STTTT",
    )
    lines = _text_lines(data, tmp_path, box=TOP_RIGHT)
    assert lines[:2] == ["Cơ quan: Sở Thông tin và Truyền thông", "Số: 45/SY-STTTT"]
    shown = ISO_8601_VN.match(lines[2])
    assert shown, lines
    # the time shown is the signing time of the signature itself, in Vietnam time
    moment = dt.datetime.fromisoformat(shown.group(1))
    assert moment.utcoffset() == VN_TZ.utcoffset(None)
    assert abs((moment - _signing_time(data)).total_seconds()) <= 1
    # and nothing of it is drawn at the bottom of the page
    assert not any(
        "Cơ quan:" in line for line in _text_lines(data, tmp_path, box=(0, 100, 595, 742))
    )


@pytest.mark.django_db
def test_the_attachment_signed_at_issue_carries_the_number_and_passes_pdfsig(
    cast, signing, pki, nssdb, tmp_path
):
    # given a draft with a PDF attachment, signed by the leader
    document = _draft(cast, attachment=True)
    annex_before = DocumentFile.objects.get(outgoing=document, role=FileRole.ATTACHMENT)
    original = _bytes(annex_before)
    outgoing_document_sign(actor=cast.actor(cast.leader), document_id=document.pk, pin=TOKEN_PIN)
    # when the clerk issues it, the agency signs the attachment top right of page 1
    issued = outgoing_document_issue(actor=cast.actor(cast.clerk), document_id=document.pk)
    annex = DocumentFile.objects.get(outgoing=issued, role=FileRole.ATTACHMENT, is_current=True)
    data = _bytes(annex)
    assert annex.previous_id == annex_before.pk
    assert data.startswith(original)
    assert annex.signature_status == SignatureStatus.VALID
    # then it reads the agency, the document's number and notation, and the ISO 8601 time
    lines = _text_lines(data, tmp_path, box=TOP_RIGHT)
    assert lines[0] == "Cơ quan: " + cast.agency_a.name
    assert lines[1] == "Số: " + issued.number_notation
    shown = ISO_8601_VN.match(lines[2])
    assert shown, lines
    assert (
        abs((dt.datetime.fromisoformat(shown.group(1)) - _signing_time(data)).total_seconds()) <= 1
    )
    # and poppler's pdfsig, independently of pyHanko, finds it valid and trusted
    output = pdfsig(nssdb, data, tmp_path)
    assert output.count("Signature #") == 1, output
    assert "Signature Field Name: VanthuAgencyCopy1" in output
    assert "Signature is Valid." in output
    assert "Certificate is Trusted." in output
    # (B-LT: the DSS revision after the signature is why pdfsig says "Not total document")
    # and a byte changed in it makes both refuse it
    tampered = data[:200] + bytes([data[200] ^ 0x01]) + data[201:]
    assert "Signature is Valid." not in pdfsig(nssdb, tampered, tmp_path)
    report = pdf_validate(tampered, trust_roots=[pki.root_cert])
    assert report.signatures
    assert all(s.verdict == "invalid" for s in report.signatures)

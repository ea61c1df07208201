"""Signer, agency and copy signatures: incremental, PAdES, valid for pyHanko and pdfsig."""

from __future__ import annotations

import io
import re

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from vanthu.signatures.pki import testpki_crl
from vanthu.signatures.signing import (
    SigningError,
    sign_as_agency,
    sign_as_agency_copy,
    sign_as_signer,
)
from vanthu.signatures.validation import pdf_validate, validation_context_for

from .fixtures import AGENCY, SIGNER, TITLE, make_pdf, pdfsig


@pytest.fixture(scope="module")
def issued(draft, leader, agency, signature_png, seal_png):
    signed = sign_as_signer(
        draft,
        signer=leader.signer(),
        signer_name=SIGNER,
        signer_title="KT. Giám đốc\nPhó Giám đốc",
        signature_image=signature_png,
    )
    sealed = sign_as_agency(
        signed,
        signer=agency.signer(),
        agency_name=AGENCY,
        seal_image=seal_png,
        number_notation="123/QĐ-STTTT",
    )
    return signed, sealed


def _flip(data: bytes, offset: int) -> bytes:
    return data[:offset] + bytes([data[offset] ^ 0x01]) + data[offset + 1 :]


def test_signatures_are_incremental_revisions(draft, issued):
    signed, sealed = issued
    assert signed.startswith(draft)
    assert sealed.startswith(signed)
    assert len(sealed) > len(signed) > len(draft)


def test_signer_then_agency_both_valid_with_pyhanko(issued, pki):
    _, sealed = issued
    report = pdf_validate(sealed, trust_roots=[pki.root_cert], crls=[testpki_crl(pki)])
    assert report.status == "signed"
    assert [s.verdict for s in report.signatures] == ["valid", "valid"]
    first, second = report.signatures
    assert first.field_name == "VanthuSigner1"
    assert first.coverage == "entire_revision"
    assert first.changes_after == "allowed"
    assert first.signer_name == SIGNER
    assert first.signer_title == TITLE
    assert first.signer_organization == AGENCY
    assert second.field_name == "VanthuAgency1"
    assert second.coverage == "entire_file"
    assert second.changes_after == "none"
    assert all(s.revocation == "good" for s in report.signatures)
    assert report.all_valid


def test_pades_structure(issued):
    _, sealed = issued
    reader = PdfFileReader(io.BytesIO(sealed))
    for signature in reader.embedded_signatures:
        assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
        assert signature.md_algorithm == "sha256"
    # the visible appearance names the agency, number and ISO 8601 time (ActualText spans)
    assert b"/Rect" in sealed


def test_pdfsig_accepts_every_signature(issued, nssdb, tmp_path):
    _, sealed = issued
    output = pdfsig(nssdb, sealed, tmp_path)
    assert output.count("Signature is Valid.") == 2, output
    assert output.count("Certificate is Trusted.") == 2, output
    assert "ETSI.CAdES.detached" in output
    assert "Total document signed" in output


def test_copy_signature_valid_for_both(agency, pki, nssdb, tmp_path):
    attachment = make_pdf(1, text="Phụ lục kèm theo")
    copy = sign_as_agency_copy(
        attachment, signer=agency.signer(), agency_name=AGENCY, number_notation="45/SY-STTTT"
    )
    assert copy.startswith(attachment)
    report = pdf_validate(copy, trust_roots=[pki.root_cert])
    assert [s.verdict for s in report.signatures] == ["valid"]
    assert report.signatures[0].field_name == "VanthuAgencyCopy1"
    reader = PdfFileReader(io.BytesIO(copy))
    field = reader.embedded_signatures[0].sig_field
    _, _, x2, y2 = (float(v) for v in field["/Rect"])
    assert y2 > 780  # top right of page 1 (A4: 595 x 842)
    assert x2 > 450
    output = pdfsig(nssdb, copy, tmp_path)
    assert "Signature is Valid." in output
    assert "Certificate is Trusted." in output


def test_tampered_copy_invalid_for_both(issued, pki, nssdb, tmp_path):
    _, sealed = issued
    # flip a byte inside the first signed range of the last revision (inside page content)
    reader = PdfFileReader(io.BytesIO(sealed))
    byte_range = reader.embedded_signatures[-1].byte_range
    tampered = _flip(sealed, byte_range[1] // 2)
    report = pdf_validate(tampered, trust_roots=[pki.root_cert])
    assert report.signatures, report.summary_vi
    assert all(s.verdict == "invalid" for s in report.signatures)
    assert not report.signatures[-1].intact
    output = pdfsig(nssdb, tampered, tmp_path)
    assert "Signature is Valid." not in output or "Digest Mismatch" in output, output
    assert "Digest Mismatch" in output or "Signature is Invalid" in output, output


def test_visible_texts_in_vietnamese(issued):
    _, sealed = issued
    texts = _appearance_texts(sealed)
    assert texts["VanthuSigner1"][:2] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]  # capitals
    assert "Nguyễn Văn A" in texts["VanthuSigner1"]
    agency_texts = texts["VanthuAgency1"]
    assert AGENCY in agency_texts
    assert "Số: 123/QĐ-STTTT" in agency_texts
    assert any(
        re.fullmatch(r"Thời gian ký: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", t)
        for t in agency_texts
    ), agency_texts


def _appearance_texts(data: bytes) -> dict[str, list[str]]:
    """Return the /ActualText strings of each signature widget's normal appearance."""
    reader = PdfFileReader(io.BytesIO(data))
    result = {}
    for signature in reader.embedded_signatures:
        stream = signature.sig_field["/AP"]["/N"]
        result[signature.field_name] = _actual_texts(_stream_bytes(stream, depth=0))
    return result


def _stream_bytes(stream, depth: int) -> bytes:
    chunks = [stream.data]
    if depth < 4 and "/Resources" in stream and "/XObject" in stream["/Resources"]:
        for name in stream["/Resources"]["/XObject"]:
            child = stream["/Resources"]["/XObject"][name]
            if child.get("/Subtype") == "/Form":
                chunks.append(_stream_bytes(child, depth + 1))
    return b"\n".join(chunks)


def _actual_texts(data: bytes) -> list[str]:
    return [
        _pdf_string(m.group(1)) for m in re.finditer(rb"/ActualText \(((?:\\.|[^\\)])*)\)", data)
    ]


def _pdf_string(raw: bytes) -> str:
    out = bytearray()
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == 0x5C and i + 1 < len(raw):
            nxt = raw[i + 1]
            if 0x30 <= nxt <= 0x37:
                j = i + 1
                while j < len(raw) and j < i + 4 and 0x30 <= raw[j] <= 0x37:
                    j += 1
                out.append(int(raw[i + 1 : j], 8))
                i = j
                continue
            out.append({ord("n"): 10, ord("r"): 13, ord("t"): 9}.get(nxt, nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    data = bytes(out)
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be", "replace")
    return data.decode("latin-1")


def test_b_lt_embeds_the_crl(draft, leader, signature_png, pki):
    context = validation_context_for([pki.root_cert], crls=[testpki_crl(pki)])
    signed = sign_as_signer(
        draft,
        signer=leader.signer(),
        signer_name=SIGNER,
        signer_title=TITLE,
        signature_image=signature_png,
        validation_context=context,
    )
    reader = PdfFileReader(io.BytesIO(signed))
    assert "/DSS" in reader.root
    assert len(reader.root["/DSS"]["/CRLs"]) >= 1
    # revocation is then checked from the document alone
    report = pdf_validate(signed, trust_roots=[pki.root_cert])
    assert report.signatures[0].revocation == "good"
    assert report.signatures[0].verdict == "valid"


def test_refuses_encrypted_corrupt_and_tampered_input(leader, issued, encrypted_pdf):
    signer = leader.signer()
    for bad in (encrypted_pdf, b"%PDF-1.7\n garbage without structure", b"not a pdf at all"):
        with pytest.raises(SigningError) as caught:
            sign_as_signer(
                bad, signer=signer, signer_name=SIGNER, signer_title=TITLE, signature_image=None
            )
        assert caught.value.message
    _, sealed = issued
    reader = PdfFileReader(io.BytesIO(sealed))
    tampered = _flip(sealed, reader.embedded_signatures[0].byte_range[1] // 2)
    with pytest.raises(SigningError, match="không còn hợp lệ"):
        sign_as_agency(
            tampered,
            signer=signer,
            agency_name=AGENCY,
            seal_image=None,
            number_notation="1/QĐ",
        )


def test_refuses_unreadable_image(draft, leader):
    with pytest.raises(SigningError, match="Ảnh chữ ký"):
        sign_as_signer(
            draft,
            signer=leader.signer(),
            signer_name=SIGNER,
            signer_title=TITLE,
            signature_image=b"\x89PNG broken",
        )


def _widget(data: bytes, name: str):
    reader = PdfFileReader(io.BytesIO(data))
    pages = [ref.idnum for ref in _page_refs(reader)]
    for signature in reader.embedded_signatures:
        if signature.field_name == name:
            field = signature.sig_field
            rect = [float(v) for v in field["/Rect"]]
            return rect, pages.index(field.raw_get("/P").idnum)
    raise AssertionError(name)


def _page_refs(reader):
    refs = []

    def walk(ref):
        node = ref.get_object()
        if node.get("/Type") == "/Pages":
            for kid in node["/Kids"]:
                walk(kid)
        else:
            refs.append(ref)

    walk(reader.root.raw_get("/Pages"))
    return refs


def test_seal_overlaps_left_third_of_signer_image(issued):
    _, sealed = issued
    (sx1, sy1, sx2, sy2), signer_page = _widget(sealed, "VanthuSigner1")
    (_, ay1, ax2, ay2), agency_page = _widget(sealed, "VanthuAgency1")
    assert signer_page == agency_page == 1  # last page of the 2-page draft
    assert sx1 > 595 / 2  # signer block on the right half (bottom right by default)
    assert sy2 < 842 / 3
    # the seal box ends inside the signer's block, within its left half
    assert sx1 < ax2 < (sx1 + sx2) / 2
    assert ay2 > sy1  # vertical overlap with the signer's block
    assert ay1 < sy2


def test_custom_page_and_box(draft, leader, agency, pki):
    signed = sign_as_signer(
        draft,
        signer=leader.signer(),
        signer_name=SIGNER,
        signer_title=TITLE,
        signature_image=None,
        page=0,
        box=(300, 400, 540, 520),
    )
    rect, page = _widget(signed, "VanthuSigner1")
    assert page == 0
    assert rect == [300, 400, 540, 520]
    sealed = sign_as_agency(
        signed, signer=agency.signer(), agency_name=AGENCY, seal_image=None, number_notation="2/QĐ"
    )
    _, agency_page = _widget(sealed, "VanthuAgency1")
    assert agency_page == 0  # follows the signer's signature
    report = pdf_validate(sealed, trust_roots=[pki.root_cert])
    assert [s.verdict for s in report.signatures] == ["valid", "valid"]
    with pytest.raises(SigningError, match="Trang"):
        sign_as_signer(
            draft,
            signer=leader.signer(),
            signer_name=SIGNER,
            signer_title=TITLE,
            signature_image=None,
            page=5,
        )

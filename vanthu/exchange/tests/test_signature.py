"""XML-DSig of the header: produced with a key passed in, verified against the caller's anchors.

A signature is reported, never raised: absent, invalid (content changed, or unreadable),
untrusted (matches, but its certificate does not chain to the anchors at that time) or valid,
with the signer's subject.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
from collections.abc import Sequence

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from vanthu.exchange.edxml import (
    DocumentPacket,
    EdxmlError,
    ErrorCode,
    PacketSigner,
    SignatureStatus,
    attachment_build,
    read_packet,
    sign_packet,
    verify_packet_signature,
    write_packet,
)

from .conformance import conformance_bytes
from .fuzzing import small_document, small_status
from .pki import issue, make_ca

AGENCY = "Sở Thông tin và Truyền thông THỬ NGHIỆM"


def _anchors() -> list[x509.Certificate]:
    return [make_ca()[1]]


def _signed_document() -> tuple[DocumentPacket, bytes]:
    pdf = attachment_build(name="125.pdf", data=b"%PDF-1.4 body", content_id="cid:1")
    packet = small_document((pdf,))
    return packet, sign_packet(write_packet(packet), issue(AGENCY).signer())


def test_a_signed_packet_verifies_and_still_reads_the_same():
    # Given a document signed with the agency key
    packet, signed = _signed_document()
    # When it is verified against our test CA
    report = verify_packet_signature(signed, trust_anchors=_anchors())
    # Then it is valid, names the signer, and the packet reads as before
    assert report.status == SignatureStatus.VALID
    assert report.integrity is True
    assert "CN=" + AGENCY in report.subject
    assert report.issuer.startswith("CN=Vanthu Test CA")
    assert report.signature_method.endswith("rsa-sha256")
    assert not report.is_weak_algorithm
    assert x509.load_der_x509_certificate(report.certificate).subject.rfc4514_string() == (
        report.subject
    )
    parsed = read_packet(signed)
    assert parsed.has_signature
    assert parsed.packet == packet
    assert parsed.unknown_elements == ()


def test_the_signature_sits_in_the_header_and_covers_the_whole_packet():
    _packet, signed = _signed_document()
    header_end = signed.index(b"</edXML:edXMLHeader>")
    signature = signed.index(b'<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">')
    assert signed.index(b"</edXML:TraceHeaderList>") < signature < header_end
    assert b'<Reference URI="">' in signed
    assert b"xmldsig#enveloped-signature" in signed
    assert b"http://www.w3.org/2001/10/xml-exc-c14n#" in signed


def test_a_change_anywhere_makes_the_signature_invalid():
    _packet, signed = _signed_document()
    header = signed.replace(b">125<", b">126<", 1)
    attachment = signed.replace(
        base64.b64encode(b"%PDF-1.4 body"), base64.b64encode(b"%PDF-1.4 BODY")
    )
    for changed in (header, attachment):
        assert changed != signed
        report = verify_packet_signature(changed, trust_anchors=_anchors())
        assert report.status == SignatureStatus.INVALID
        assert report.integrity is False
        assert "CN=" + AGENCY in report.subject


def test_an_unknown_issuer_or_no_anchor_is_untrusted():
    _packet, signed = _signed_document()
    other = verify_packet_signature(signed, trust_anchors=[make_ca("Other CA")[1]])
    assert other.status == SignatureStatus.UNTRUSTED
    assert other.integrity is True
    none = verify_packet_signature(signed, trust_anchors=[])
    assert none.status == SignatureStatus.UNTRUSTED
    assert "không có chứng thư gốc" in none.detail


def test_an_expired_certificate_is_untrusted_now_but_valid_at_signing_time():
    expired = issue("Cán bộ hết hạn THỬ NGHIỆM", days_before=30, days_after=-1)
    signed = sign_packet(write_packet(small_status()), expired.signer())
    now = verify_packet_signature(signed, trust_anchors=_anchors())
    assert now.status == SignatureStatus.UNTRUSTED
    assert "hiệu lực" in now.detail
    then = dt.datetime.now(dt.UTC) - dt.timedelta(days=10)
    assert verify_packet_signature(signed, trust_anchors=_anchors(), at=then).status == (
        SignatureStatus.VALID
    )


def test_a_packet_without_signature_is_reported_absent():
    report = verify_packet_signature(write_packet(small_status()), trust_anchors=_anchors())
    assert report.status == SignatureStatus.ABSENT
    assert report.subject == ""


def test_two_signatures_or_a_partial_reference_are_invalid():
    _packet, signed = _signed_document()
    start = signed.index(b"<Signature ")
    end = signed.index(b"</Signature>") + len(b"</Signature>")
    doubled = signed[:end] + signed[start:end] + signed[end:]
    assert verify_packet_signature(doubled, trust_anchors=_anchors()).status == (
        SignatureStatus.INVALID
    )
    partial = signed.replace(b'<Reference URI="">', b'<Reference URI="#x">')
    report = verify_packet_signature(partial, trust_anchors=_anchors())
    assert report.status == SignatureStatus.INVALID
    assert "Reference" in report.reason


def test_signing_refuses_a_signed_or_repaired_packet():
    _packet, signed = _signed_document()
    signer = issue(AGENCY).signer()
    with pytest.raises(EdxmlError) as twice:
        sign_packet(signed, signer)
    assert twice.value.code == ErrorCode.INVALID_VALUE
    with pytest.raises(EdxmlError) as repaired:
        sign_packet(b"1212" + write_packet(small_status()), signer)
    assert repaired.value.code == ErrorCode.INVALID_VALUE


class TokenLikeSigner:
    """A signer shaped like a PKCS#11 key: it only ever sees the bytes to sign."""

    def __init__(self, key_pem: bytes, certificate: x509.Certificate) -> None:
        self._key = serialization.load_pem_private_key(key_pem, password=None)
        self._certificate = certificate
        self.calls = 0

    @property
    def certificate(self) -> x509.Certificate:
        return self._certificate

    @property
    def chain(self) -> Sequence[x509.Certificate]:
        return [make_ca()[1]]

    def sign_rsa_sha256(self, data: bytes) -> bytes:
        self.calls += 1
        return self._key.sign(data, padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr]


def test_any_signer_following_the_protocol_can_sign():
    issued = issue(AGENCY)
    signer = TokenLikeSigner(issued.key_pem, issued.certificate)
    protocol_signer: PacketSigner = signer
    signed = sign_packet(write_packet(small_status()), protocol_signer)
    assert signer.calls == 1
    assert signed.count(b"<X509Certificate>") == 2  # the signing certificate and the chain
    report = verify_packet_signature(signed, trust_anchors=_anchors())
    assert report.status == SignatureStatus.VALID


def test_large_packets_sign_and_verify():
    # More than libxml2's 10 MB text node limit in base64.
    big = attachment_build(name="scan.pdf", data=b"%PDF" + bytes(8 * 1024 * 1024), content_id="c")
    raw = write_packet(dataclasses.replace(small_document(), attachments=(big,)))
    signed = sign_packet(raw, issue(AGENCY).signer())
    assert verify_packet_signature(signed, trust_anchors=_anchors()).status == (
        SignatureStatus.VALID
    )


# The published packets: reported as they are, never a crash.


def test_edoc_signature_is_real_but_does_not_verify():
    # edoc.edxml carries a VNPT-CA certificate; its SignatureValue was computed over a
    # SignedInfo without whitespace, and the file was pretty-printed after signing.
    report = verify_packet_signature(conformance_bytes("edoc.edxml"), trust_anchors=_anchors())
    assert report.status == SignatureStatus.INVALID
    assert report.integrity is False
    assert "CN=TRẦN ANH TUẤN" in report.subject
    assert "CN=VNPT Certification Authority" in report.issuer
    assert report.not_after == dt.datetime(2018, 10, 19, 16, 55, tzinfo=dt.UTC)
    assert report.signature_method.endswith("rsa-sha1")
    assert report.is_weak_algorithm


@pytest.mark.parametrize(
    "name",
    ["edoc_new.edxml", "edoc_update.edxml", "edoc_replacement.edxml", "edoc_revocation.edxml"],
)
def test_sdk_signatures_outside_the_dsig_namespace_are_invalid(name):
    # <Signature> without xmlns inherits edXML's namespace; its certificate is cut short.
    report = verify_packet_signature(conformance_bytes(name), trust_anchors=_anchors())
    assert report.status == SignatureStatus.INVALID
    assert report.reason == "Phần tử Signature không thuộc không gian tên XML-DSig"
    assert report.subject == "CN=user05"  # only claimed: no readable certificate
    assert report.certificate == b""


def test_the_packet_zipped_inside_edoc_update_is_checked_too():
    parsed = read_packet(conformance_bytes("edoc_update.edxml"))
    assert isinstance(parsed.packet, DocumentPacket)
    inner = parsed.packet.attachments[0].files[0].data
    report = verify_packet_signature(inner, trust_anchors=_anchors())
    assert report.status == SignatureStatus.INVALID
    assert report.integrity is False
    assert "CN=TRẦN ANH TUẤN" in report.subject


@pytest.mark.parametrize("name", ["status.edxml", "status_cancellation_13.edxml"])
def test_status_packets_are_unsigned(name):
    report = verify_packet_signature(conformance_bytes(name), trust_anchors=_anchors())
    assert report.status == SignatureStatus.ABSENT


def test_a_signed_packet_zipped_as_an_attachment_still_verifies():
    # Given a signed status carried inside a zip (as the SDK samples carry packets)
    signed = sign_packet(write_packet(small_status()), issue(AGENCY).signer())
    nested = attachment_build(name="status.edxml", data=signed, content_id="cid:s", zipped=True)
    assert nested.files[0].packet is not None
    assert nested.files[0].packet.has_signature
    report = verify_packet_signature(nested.files[0].data, trust_anchors=_anchors())
    assert report.status == SignatureStatus.VALID

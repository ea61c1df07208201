"""XML-DSig signature of a packet's header (standards.md §1.4): produce and verify.

The signature sits in ``edXMLHeader`` after ``TraceHeaderList`` and, as in the SDK sample,
references the whole packet (``Reference URI=""``, enveloped-signature then exclusive c14n),
attachments included. We sign with RSA-SHA256 through signxml; the key is anything that
implements ``PacketSigner`` (a PEM key here, a PKCS#11 token later: python-pkcs11's
``key.sign(data, mechanism=SHA256_RSA_PKCS)`` is exactly ``sign_rsa_sha256``).

Verification never raises for a bad signature: it reports ``absent``, ``invalid`` (the
signature does not match what was received, or cannot be evaluated), ``untrusted`` (it matches
but its certificate does not chain to the caller's trust anchors at the given time) or
``valid``, with the signing certificate's subject as evidence. Integrity is checked first with
the certificate the packet carries (signxml), then the chain separately (cryptography).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol, cast

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509 import verification
from lxml import etree
from signxml.algorithms import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureConstructionMethod,
    SignatureMethod,
)
from signxml.signer import XMLSigner
from signxml.verifier import SignatureConfiguration, XMLVerifier

from .errors import EdxmlError, ErrorCode
from .limits import DEFAULT_LIMITS, Limits
from .xmlsafe import DSIG_NS, EDXML_NS, isolated, parse_xml

__all__ = [
    "PacketSigner",
    "PemSigner",
    "SignatureReport",
    "SignatureStatus",
    "sign_packet",
    "verify_packet_signature",
]

_WEAK = ("sha1", "md5")
_ENVELOPE = "{" + EDXML_NS + "}edXMLEnvelope"
_HEADER = "{" + EDXML_NS + "}edXMLHeader"
_DSIG_SIGNATURE = "{" + DSIG_NS + "}Signature"


class SignatureStatus(StrEnum):
    """Outcome of a header signature check. Stored values: never rename them."""

    ABSENT = "absent"
    VALID = "valid"
    INVALID = "invalid"
    UNTRUSTED = "untrusted"


@dataclass(frozen=True)
class SignatureReport:
    """What the check found, kept as evidence with the packet.

    ``integrity``: the signed content is what was received (``None``: not evaluated).
    ``subject`` comes from the certificate when it can be read, else from ``X509SubjectName``
    (then ``certificate`` is empty and the subject is only a claim).
    """

    status: SignatureStatus
    reason: str
    detail: str = ""
    subject: str = ""
    issuer: str = ""
    serial_number: str = ""
    not_before: dt.datetime | None = None
    not_after: dt.datetime | None = None
    signature_method: str = ""
    digest_method: str = ""
    is_weak_algorithm: bool = False
    integrity: bool | None = None
    certificate: bytes = b""


class PacketSigner(Protocol):
    """A private key able to sign with RSASSA-PKCS1-v1_5 and SHA-256, and its certificate.

    ``sign_packet`` calls ``sign_rsa_sha256`` once, from its worker thread (see ``isolated``):
    a PKCS#11 session opened by the caller must allow use from another thread (one at a time),
    as a module initialised for multi-threaded use does.
    """

    @property
    def certificate(self) -> x509.Certificate: ...

    @property
    def chain(self) -> Sequence[x509.Certificate]:
        """Intermediate certificates to embed after the signing certificate (may be empty)."""
        ...

    def sign_rsa_sha256(self, data: bytes) -> bytes:
        """Return the RSASSA-PKCS1-v1_5 signature of SHA-256(``data``)."""
        ...


class PemSigner:
    """A ``PacketSigner`` from a PEM private key and certificate (tests, software keys)."""

    def __init__(
        self,
        *,
        key_pem: bytes,
        certificate_pem: bytes,
        password: bytes | None = None,
        chain_pem: bytes = b"",
    ) -> None:
        key = serialization.load_pem_private_key(key_pem, password=password)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError("only RSA keys are supported")
        self._key = key
        self._certificate = x509.load_pem_x509_certificate(certificate_pem)
        self._chain = tuple(x509.load_pem_x509_certificates(chain_pem)) if chain_pem else ()

    def __repr__(self) -> str:
        return "PemSigner(" + self._certificate.subject.rfc4514_string() + ")"

    @property
    def certificate(self) -> x509.Certificate:
        return self._certificate

    @property
    def chain(self) -> Sequence[x509.Certificate]:
        return self._chain

    def sign_rsa_sha256(self, data: bytes) -> bytes:
        return self._key.sign(data, padding.PKCS1v15(), hashes.SHA256())


class _KeyForSignxml:
    """What signxml calls on a key (``sign(data, padding=, algorithm=)``), over a signer."""

    def __init__(self, signer: PacketSigner) -> None:
        self._signer = signer

    def sign(self, data: bytes, padding: Any, algorithm: Any) -> bytes:
        if not isinstance(algorithm, hashes.SHA256):
            raise ValueError("only RSA-SHA256 is supported")
        return self._signer.sign_rsa_sha256(data)


def _huge_parser() -> etree.XMLParser:
    # signxml re-parses the document it signs or checks; its default parser refuses text nodes
    # over 10 MB, which a base64 attachment easily is. No DTD reaches it (parse_xml refused).
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def _header(root: etree._Element) -> etree._Element:
    header = root.find(_ENVELOPE + "/" + _HEADER)
    if header is None:
        raise EdxmlError(ErrorCode.MISSING_ELEMENT, location="/edXML/edXMLEnvelope/edXMLHeader")
    return header


def sign_packet(raw: bytes, signer: PacketSigner, *, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """Return ``raw`` with an XML-DSig signature added to its header (RSA-SHA256).

    Refuses a packet that needed recoveries to be read (sign only what we wrote) or that is
    already signed.
    """
    return isolated(_sign, raw, signer, limits)


def _sign(raw: bytes, signer: PacketSigner, limits: Limits) -> bytes:
    root, recoveries = parse_xml(raw, limits)
    if recoveries:
        raise EdxmlError(ErrorCode.INVALID_VALUE, detail="gói tin có lỗi, hãy ghi lại trước khi ký")
    header = _header(root)
    if any(etree.QName(child).localname == "Signature" for child in header):
        raise EdxmlError(ErrorCode.INVALID_VALUE, detail="gói tin đã có chữ ký")
    placeholder = etree.SubElement(header, _DSIG_SIGNATURE, nsmap={None: DSIG_NS})
    placeholder.set("Id", "placeholder")
    if len(header) > 1:
        placeholder.tail = header[len(header) - 2].tail  # keep the closing tag's indentation
    xml_signer = XMLSigner(
        method=SignatureConstructionMethod.enveloped,
        signature_algorithm=SignatureMethod.RSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    xml_signer.namespaces = {None: DSIG_NS}  # type: ignore[dict-item]  # as the SDK sample
    xml_signer._parser = _huge_parser()  # no public setter on XMLSigner (verify takes one)
    signed = xml_signer.sign(
        root,
        key=cast(Any, _KeyForSignxml(signer)),
        cert=[signer.certificate, *signer.chain],
    )
    return bytes(etree.tostring(signed, xml_declaration=True, encoding="UTF-8"))


def _claimed_subject(signature: etree._Element) -> str:
    for element in signature.iter():
        if isinstance(element.tag, str) and etree.QName(element).localname == "X509SubjectName":
            return (element.text or "").strip()
    return ""


def _certificates(signature: etree._Element) -> list[x509.Certificate]:
    """Return the certificates of ``X509Data`` (any namespace), the signing one first."""
    certificates: list[x509.Certificate] = []
    for element in signature.iter():
        if isinstance(element.tag, str) and etree.QName(element).localname == "X509Certificate":
            text = "".join((element.text or "").split())
            der = base64.b64decode(text, validate=True)
            certificates.append(x509.load_der_x509_certificate(der))
    return certificates


def _algorithms(signature: etree._Element) -> tuple[str, str, list[str | None]]:
    method = digest = ""
    uris: list[str | None] = []
    for element in signature.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname
        if name == "SignatureMethod":
            method = element.get("Algorithm", "")
        elif name == "DigestMethod":
            digest = element.get("Algorithm", "")
        elif name == "Reference" and etree.QName(element.getparent()).localname == "SignedInfo":
            uris.append(element.get("URI"))
    return method, digest, uris


def _report(status: SignatureStatus, reason: str, **facts: Any) -> SignatureReport:
    return SignatureReport(status=status, reason=reason, **facts)


def _ee_key_usage(
    policy: verification.Policy, certificate: x509.Certificate, usage: x509.KeyUsage | None
) -> None:
    if usage is None or not usage.digital_signature:
        raise ValueError("certificate KeyUsage does not allow digitalSignature")


def _chain_error(
    leaf: x509.Certificate,
    intermediates: Sequence[x509.Certificate],
    anchors: Sequence[x509.Certificate],
    at: dt.datetime,
) -> str:
    """Return why ``leaf`` does not chain to ``anchors`` at ``at``, or ``""`` if it does."""
    if not anchors:
        return "không có chứng thư gốc tin cậy để đối chiếu"
    if not leaf.not_valid_before_utc <= at <= leaf.not_valid_after_utc:
        return "chứng thư số không còn hiệu lực tại thời điểm kiểm tra"
    ee_policy = verification.ExtensionPolicy.permit_all().require_present(
        x509.KeyUsage, verification.Criticality.AGNOSTIC, _ee_key_usage
    )
    builder = (
        verification.PolicyBuilder()
        .store(verification.Store(list(anchors)))
        .time(at)
        .extension_policies(
            ee_policy=ee_policy, ca_policy=verification.ExtensionPolicy.webpki_defaults_ca()
        )
    )
    try:
        builder.build_client_verifier().verify(leaf, list(intermediates))
    except (verification.VerificationError, ValueError) as exc:
        return "chứng thư số không được xác thực bởi chứng thư gốc tin cậy: " + str(exc)
    return ""


def verify_packet_signature(
    raw: bytes,
    *,
    trust_anchors: Sequence[x509.Certificate],
    at: dt.datetime | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> SignatureReport:
    """Check the header signature of ``raw`` against ``trust_anchors`` at ``at`` (now).

    Raises ``EdxmlError`` only when the packet itself cannot be read.
    """
    return isolated(_verify, raw, trust_anchors, at, limits)


def _verify(
    raw: bytes,
    trust_anchors: Sequence[x509.Certificate],
    at: dt.datetime | None,
    limits: Limits,
) -> SignatureReport:
    root, _recoveries = parse_xml(raw, limits)
    header = _header(root)
    in_header = [c for c in header if etree.QName(c).localname == "Signature"]
    dsig_anywhere = list(root.iter(_DSIG_SIGNATURE))
    if not in_header and not dsig_anywhere:
        return _report(SignatureStatus.ABSENT, "Gói tin không có chữ ký số")
    if len(in_header) != 1 or len(dsig_anywhere) > 1:
        return _report(
            SignatureStatus.INVALID, "Gói tin có nhiều chữ ký hoặc chữ ký nằm ngoài phần đầu"
        )
    signature = in_header[0]
    method, digest, uris = _algorithms(signature)
    facts: dict[str, Any] = {
        "signature_method": method,
        "digest_method": digest,
        "is_weak_algorithm": any(weak in (method + digest).lower() for weak in _WEAK),
    }
    claimed = _claimed_subject(signature)
    if etree.QName(signature).namespace != DSIG_NS:
        # SDK samples edoc_new/update/...: <Signature> inherits the edXML default namespace.
        return _report(
            SignatureStatus.INVALID,
            "Phần tử Signature không thuộc không gian tên XML-DSig",
            detail=str(signature.tag),
            subject=claimed,
            **facts,
        )
    try:
        certificates = _certificates(signature)
    except (ValueError, binascii.Error) as exc:
        return _report(
            SignatureStatus.INVALID,
            "Không đọc được chứng thư số trong chữ ký",
            detail=str(exc),
            subject=claimed,
            **facts,
        )
    if certificates:
        leaf = certificates[0]
        facts |= {
            "subject": leaf.subject.rfc4514_string(),
            "issuer": leaf.issuer.rfc4514_string(),
            "serial_number": format(leaf.serial_number, "x"),
            "not_before": leaf.not_valid_before_utc,
            "not_after": leaf.not_valid_after_utc,
            "certificate": leaf.public_bytes(serialization.Encoding.DER),
        }
    else:
        facts["subject"] = claimed
    if not certificates:
        return _report(SignatureStatus.INVALID, "Chữ ký không kèm chứng thư số", **facts)
    if uris != [""]:
        return _report(
            SignatureStatus.INVALID,
            "Chữ ký không bao trùm toàn bộ gói tin (Reference URI khác rỗng)",
            detail=repr(uris),
            **facts,
        )
    verifier = XMLVerifier()
    config = SignatureConfiguration(
        require_x509=True,
        expect_references=1,
        signature_methods=frozenset(SignatureMethod),
        digest_algorithms=frozenset(DigestAlgorithm),
        # Integrity only: the certificate's validity is judged below, at ``at``.
        verification_time=leaf.not_valid_before_utc,
    )
    try:
        verifier.verify(root, x509_cert=leaf, expect_config=config, parser=_huge_parser())
    except Exception as exc:
        # signxml reports mismatches as InvalidSignature/InvalidDigest, malformed signatures
        # as InvalidInput, ValueError, TypeError...: each means "does not verify".
        return _report(
            SignatureStatus.INVALID,
            "Chữ ký không khớp với nội dung gói tin nhận được",
            detail=type(exc).__name__ + ": " + str(exc)[:300],
            integrity=False,
            **facts,
        )
    when = (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    problem = _chain_error(leaf, certificates[1:], trust_anchors, when)
    if problem:
        return _report(
            SignatureStatus.UNTRUSTED,
            "Chữ ký khớp nội dung nhưng chứng thư số chưa được tin cậy",
            detail=problem,
            integrity=True,
            **facts,
        )
    return _report(SignatureStatus.VALID, "Chữ ký số hợp lệ", integrity=True, **facts)

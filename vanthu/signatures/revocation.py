"""Revocation of the certificates behind a signature: CRLs and OCSP responses, judged here.

A pure module (no Django, no network). ``RevocationData`` holds the CRLs and OCSP responses at
hand: the ones kept on disk, the ones embedded in the PDF (the DSS of PAdES B-LT, the CMS
``crls`` field, Adobe's revocation attribute among the signed attributes) and the ones pyHanko
fetched when fetching is allowed. ``chain_revocation`` checks every certificate of the chain
(the signer's and each intermediate CA's; never the trust anchor) and says "good" only when each
of them was covered by authentic, usable evidence; otherwise "not_checked", never "good".

Evidence is authentic when a CRL is signed by the certificate's issuer, and an OCSP response by
the issuer or by a responder the issuer delegated (id-kp-OCSPSigning). It is usable when current
at the validation time, or, for a signature with a trusted timestamp, when it was current at or
after that time (what PAdES B-LT embeds), and issued while the certificate was still valid.
A revocation entry counts whatever its age.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from asn1crypto import keys as asn1_keys  # type: ignore[import-untyped]
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = [
    "ChainRevocation",
    "RevocationData",
    "chain_build",
    "chain_revocation",
    "cms_revocation_blobs",
]

Revocation = Literal["good", "revoked", "not_checked"]

CLOCK_SKEW = dt.timedelta(minutes=5)
# Evidence without nextUpdate is taken as current for this long after thisUpdate.
OCSP_MAX_AGE = dt.timedelta(days=1)
CRL_MAX_AGE = dt.timedelta(days=7)
_MAX_CHAIN = 8


# --------------------------------------------------------------------------- loading


def _load_crl(blob: bytes) -> x509.CertificateRevocationList | None:
    try:
        if blob.lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_crl(blob)
        return x509.load_der_x509_crl(blob)
    except Exception:
        return None


def _load_ocsp(blob: bytes) -> ocsp.OCSPResponse | None:
    try:
        response = ocsp.load_der_ocsp_response(blob)
        if response.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
            return None
        list(response.responses)  # force parsing: a malformed body is no evidence
        return response
    except Exception:
        return None


def _load_cert(blob: bytes) -> x509.Certificate | None:
    try:
        return x509.load_der_x509_certificate(blob)
    except Exception:
        return None


@dataclass(frozen=True)
class RevocationData:
    """CRLs, successful OCSP responses and extra certificates (DSS), parsed and deduplicated."""

    crls: tuple[x509.CertificateRevocationList, ...] = ()
    ocsps: tuple[ocsp.OCSPResponse, ...] = ()
    certs: tuple[x509.Certificate, ...] = ()

    @classmethod
    def load(
        cls,
        *,
        crls: Iterable[bytes] = (),
        ocsps: Iterable[bytes] = (),
        certs: Iterable[bytes] = (),
    ) -> RevocationData:
        """Parse DER (or PEM, for CRLs) blobs; unreadable ones are dropped, never raised."""
        return cls(
            crls=tuple(c for c in map(_load_crl, crls) if c is not None),
            ocsps=tuple(o for o in map(_load_ocsp, ocsps) if o is not None),
            certs=tuple(c for c in map(_load_cert, certs) if c is not None),
        )

    def merged(self, other: RevocationData) -> RevocationData:
        """Return the union of both, without duplicates."""

        def unique(items: Iterable[Any]) -> tuple[Any, ...]:
            seen: set[bytes] = set()
            kept = []
            for item in items:
                der = item.public_bytes(serialization.Encoding.DER)
                if der not in seen:
                    seen.add(der)
                    kept.append(item)
            return tuple(kept)

        return RevocationData(
            crls=unique([*self.crls, *other.crls]),
            ocsps=unique([*self.ocsps, *other.ocsps]),
            certs=unique([*self.certs, *other.certs]),
        )

    def crl_blobs(self) -> list[bytes]:
        """Return the CRLs as DER, for a pyHanko validation context."""
        return [c.public_bytes(serialization.Encoding.DER) for c in self.crls]

    def ocsp_blobs(self) -> list[bytes]:
        """Return the OCSP responses as DER, for a pyHanko validation context."""
        return [o.public_bytes(serialization.Encoding.DER) for o in self.ocsps]


def cms_revocation_blobs(signed_data: Any, signer_info: Any) -> tuple[list[bytes], list[bytes]]:
    """Return the (CRLs, OCSP responses) a CMS signature carries itself, as DER.

    Two places: the SignedData ``crls`` field (CRLs, and OCSP responses as
    id-ri-ocsp-response, RFC 5940) and Adobe's ``adbe-revocationInfoArchival`` signed attribute
    that desktop signing tools write (ISO 32000-1 §12.8.3.3.2).
    """
    crls: list[bytes] = []
    ocsps: list[bytes] = []
    try:
        for choice in signed_data["crls"] or ():
            if choice.name == "crl":
                crls.append(choice.chosen.dump())
            elif choice.name == "other":
                other = choice.chosen
                if other["other_rev_info_format"].native == "ocsp_response":
                    ocsps.append(other["other_rev_info"].dump())
    except Exception:  # noqa: S110 - a malformed field carries no evidence
        pass
    try:
        for attribute in signer_info["signed_attrs"] or ():
            if attribute["type"].native != "adobe_revocation_info_archival":
                continue
            for value in attribute["values"]:
                crls += [item.dump() for item in value["crl"] or ()]
                ocsps += [item.dump() for item in value["ocsp"] or ()]
    except Exception:  # noqa: S110
        pass
    return crls, ocsps


# --------------------------------------------------------------------------- chains


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    if cert.issuer != issuer.subject:
        return False
    try:
        cert.verify_directly_issued_by(issuer)
    except Exception:
        return False
    return True


def chain_build(
    leaf: x509.Certificate,
    *,
    candidates: Sequence[x509.Certificate],
    anchors: Sequence[x509.Certificate],
) -> tuple[list[x509.Certificate], bool]:
    """Return the chain from ``leaf`` up (leaf first) and whether it ends at a trust anchor.

    Each link is checked by its signature. Only a chain that reaches an anchor makes the
    revocation data of its issuers evidence.
    """
    chain = [leaf]
    pool = [*anchors, *candidates]
    while len(chain) <= _MAX_CHAIN:
        current = chain[-1]
        if current in anchors:
            return chain, True
        issuer = next(
            (c for c in pool if c not in chain and _issued_by(current, c)),
            None,
        )
        if issuer is None:
            return chain, False
        chain.append(issuer)
    return chain, False


# --------------------------------------------------------------------------- one certificate


@dataclass(frozen=True)
class _Status:
    status: Revocation
    source: str = ""
    revoked_at: dt.datetime | None = None
    stale: bool = False


def _usable(
    this_update: dt.datetime,
    next_update: dt.datetime | None,
    *,
    cert: x509.Certificate,
    moment: dt.datetime,
    signed_at: dt.datetime | None,
    default_age: dt.timedelta,
) -> bool:
    """Return whether evidence of "not revoked" counts at ``moment`` (or at ``signed_at``)."""
    if this_update > moment + CLOCK_SKEW:
        return False  # from the future
    if this_update > cert.not_valid_after_utc + CLOCK_SKEW:
        return False  # issued after the certificate expired: it may no longer be listed
    end = next_update if next_update is not None else this_update + default_age
    if end + CLOCK_SKEW >= moment:
        return True
    return signed_at is not None and end + CLOCK_SKEW >= signed_at


def _crl_status(
    cert: x509.Certificate,
    issuer: x509.Certificate,
    crls: Sequence[x509.CertificateRevocationList],
    *,
    moment: dt.datetime,
    signed_at: dt.datetime | None,
) -> _Status:
    is_ca = _is_ca(cert)
    good = stale = False
    for crl in crls:
        if crl.issuer != issuer.subject or not _crl_complete_for(crl, is_ca):
            continue
        try:
            if not crl.is_signature_valid(issuer.public_key()):  # type: ignore[arg-type]
                continue
        except Exception:  # noqa: S112 - an unverifiable CRL is no evidence
            continue
        entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
        if entry is not None:
            return _Status("revoked", "crl", entry.revocation_date_utc)
        if _usable(
            crl.last_update_utc,
            crl.next_update_utc,
            cert=cert,
            moment=moment,
            signed_at=signed_at,
            default_age=CRL_MAX_AGE,
        ):
            good = True
        else:
            stale = True
    if good:
        return _Status("good", "crl")
    return _Status("not_checked", stale=stale)


def _crl_complete_for(crl: x509.CertificateRevocationList, is_ca: bool) -> bool:
    """Return whether the CRL is a full CRL covering this kind of certificate."""
    try:
        crl.extensions.get_extension_for_class(x509.DeltaCRLIndicator)
        return False
    except x509.ExtensionNotFound:
        pass
    try:
        idp = crl.extensions.get_extension_for_class(x509.IssuingDistributionPoint).value
    except x509.ExtensionNotFound:
        return True
    if idp.indirect_crl or idp.only_some_reasons or idp.only_contains_attribute_certs:
        return False
    if idp.only_contains_ca_certs and not is_ca:
        return False
    return not (idp.only_contains_user_certs and is_ca)


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _key_bits(cert: x509.Certificate) -> bytes:
    """Return the subjectPublicKey BIT STRING contents (what an OCSP CertID hashes)."""
    der = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return bytes(asn1_keys.PublicKeyInfo.load(der)["public_key"].contents[1:])


def _digest(algorithm: hashes.HashAlgorithm, data: bytes) -> bytes:
    return hashlib.new(algorithm.name, data).digest()


def _verify(public_key: Any, signature: bytes, data: bytes, algorithm: Any) -> bool:
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, data, padding.PKCS1v15(), algorithm)
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, data, ec.ECDSA(algorithm))
        elif isinstance(public_key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
            public_key.verify(signature, data)
        else:
            return False
    except (InvalidSignature, TypeError, ValueError):
        return False
    return True


def _responder_matches(response: ocsp.OCSPResponse, cert: x509.Certificate) -> bool:
    if response.responder_name is not None:
        return response.responder_name == cert.subject
    key_hash = response.responder_key_hash
    return key_hash is not None and key_hash == hashlib.sha1(_key_bits(cert)).digest()  # noqa: S324 - RFC 6960 ResponderID


def _ocsp_responder(
    response: ocsp.OCSPResponse, issuer: x509.Certificate
) -> x509.Certificate | None:
    """Return the issuer, or the responder it delegated (id-kp-OCSPSigning), that signed."""
    if _responder_matches(response, issuer):
        return issuer
    produced = response.produced_at_utc
    for cert in response.certificates:
        if (
            _responder_matches(response, cert)
            and _delegated(cert)
            and _issued_by(cert, issuer)
            and cert.not_valid_before_utc - CLOCK_SKEW
            <= produced
            <= cert.not_valid_after_utc + CLOCK_SKEW
        ):
            return cert
    return None


def _ocsp_authentic(response: ocsp.OCSPResponse, issuer: x509.Certificate) -> bool:
    """Return whether the response is signed by the issuer or a responder it delegated."""
    responder = _ocsp_responder(response, issuer)
    return responder is not None and _verify(
        responder.public_key(),
        response.signature,
        response.tbs_response_bytes,
        response.signature_hash_algorithm,
    )


def _delegated(cert: x509.Certificate) -> bool:
    try:
        usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return False
    return ExtendedKeyUsageOID.OCSP_SIGNING in usage


def _ocsp_status(
    cert: x509.Certificate,
    issuer: x509.Certificate,
    responses: Sequence[ocsp.OCSPResponse],
    *,
    moment: dt.datetime,
    signed_at: dt.datetime | None,
) -> _Status:
    key_bits = _key_bits(issuer)
    # the issuer's name as the certificate spells it, and as the issuer's own subject does
    names = {cert.issuer.public_bytes(), issuer.subject.public_bytes()}
    good = stale = False
    for response in responses:
        for single in response.responses:
            if single.serial_number != cert.serial_number:
                continue
            algorithm = single.hash_algorithm
            if single.issuer_key_hash != _digest(algorithm, key_bits):
                continue
            if single.issuer_name_hash not in {_digest(algorithm, n) for n in names}:
                continue
            if not _ocsp_authentic(response, issuer):
                break
            status = single.certificate_status
            if status == ocsp.OCSPCertStatus.REVOKED:
                return _Status("revoked", "ocsp", single.revocation_time_utc)
            if status != ocsp.OCSPCertStatus.GOOD:
                continue
            if _usable(
                single.this_update_utc,
                single.next_update_utc,
                cert=cert,
                moment=moment,
                signed_at=signed_at,
                default_age=OCSP_MAX_AGE,
            ):
                good = True
            else:
                stale = True
    if good:
        return _Status("good", "ocsp")
    return _Status("not_checked", stale=stale)


# --------------------------------------------------------------------------- the chain


@dataclass(frozen=True)
class ChainRevocation:
    """The revocation status of a whole chain, with what a reader needs to be told."""

    status: Revocation
    revoked_at: dt.datetime | None = None
    revoked_name: str = ""
    revoked_is_signer: bool = True
    sources: tuple[str, ...] = ()
    unchecked_signer: bool = False
    unchecked_authorities: tuple[str, ...] = ()
    stale: bool = False
    chain_complete: bool = True


def _common_name(cert: x509.Certificate) -> str:
    values = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if not values:
        return cert.subject.rfc4514_string()
    value = values[0].value
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def chain_revocation(
    chain: Sequence[x509.Certificate],
    data: RevocationData,
    *,
    complete: bool,
    moment: dt.datetime,
    signed_at: dt.datetime | None = None,
) -> ChainRevocation:
    """Check each certificate of ``chain`` (leaf first) but the trust anchor at its end.

    ``complete`` says the chain ends at a trust anchor; without that the issuers' evidence is
    not trusted and nothing is "good", though a revocation the issuer published still counts.
    """
    links = list(itertools.pairwise(chain))
    if not links:
        return ChainRevocation("not_checked", unchecked_signer=True, chain_complete=complete)
    sources: list[str] = []
    unchecked_signer = False
    unchecked: list[str] = []
    stale = False
    for index, (cert, issuer) in enumerate(links):
        by_ocsp = _ocsp_status(cert, issuer, data.ocsps, moment=moment, signed_at=signed_at)
        by_crl = _crl_status(cert, issuer, data.crls, moment=moment, signed_at=signed_at)
        for found in (by_ocsp, by_crl):
            if found.status == "revoked":
                return ChainRevocation(
                    "revoked",
                    revoked_at=found.revoked_at,
                    revoked_name=_common_name(cert),
                    revoked_is_signer=index == 0,
                    sources=(found.source,),
                    chain_complete=complete,
                )
        good = [found.source for found in (by_ocsp, by_crl) if found.status == "good"]
        if good and complete:
            sources += [s for s in good if s not in sources]
            continue
        stale = stale or by_ocsp.stale or by_crl.stale
        if index == 0:
            unchecked_signer = True
        else:
            unchecked.append(_common_name(cert))
    if unchecked_signer or unchecked:
        return ChainRevocation(
            "not_checked",
            sources=tuple(sources),
            unchecked_signer=unchecked_signer,
            unchecked_authorities=tuple(unchecked),
            stale=stale,
            chain_complete=complete,
        )
    return ChainRevocation("good", sources=tuple(sources))

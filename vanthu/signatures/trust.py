"""What the installation trusts and uses for signatures, read from settings (ADR 0014)."""

from __future__ import annotations

import time
from pathlib import Path

from cryptography import x509
from django.conf import settings
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator import ValidationContext

from vanthu.signatures.pki import TestPki, testpki_crl, testpki_load_or_create
from vanthu.signatures.tsa import timestamper_for
from vanthu.signatures.validation import certificates_load_pem_dir, validation_context_for

CRL_REISSUE_SECONDS = 24 * 3600


def trust_roots() -> list[x509.Certificate]:
    """Return the configured trust anchors (VANTHU_TRUST_ANCHORS_DIR), the test root in demos."""
    roots = certificates_load_pem_dir(settings.TRUST_ANCHORS_DIR)
    pki = local_pki()
    if pki is not None and pki.root_cert not in roots:
        roots.append(pki.root_cert)
    return roots


def offline_crls() -> list[bytes]:
    """Return the CRLs kept on disk (VANTHU_CRL_DIR), and the test CA's current CRL."""
    blobs: list[bytes] = []
    directory = Path(settings.CRL_DIR)
    if directory.is_dir():
        blobs += [
            path.read_bytes()
            for path in sorted(directory.iterdir())
            if path.suffix.lower() in {".crl", ".der", ".pem"}
        ]
    pki = local_pki()
    if pki is not None and pki.crl_path.exists():
        blobs.append(pki.crl_path.read_bytes())
    return blobs


def local_pki() -> TestPki | None:
    """Return the demo's test CA when one is configured (VANTHU_TEST_PKI_DIR), else None.

    Its CRL is issued again once a day, so the demo checks revocation offline for as long as it
    runs (a CRL is current for a week).
    """
    if not settings.TEST_PKI_DIR:
        return None
    pki = testpki_load_or_create(Path(settings.TEST_PKI_DIR))
    crl = pki.crl_path
    if not crl.exists() or time.time() - crl.stat().st_mtime > CRL_REISSUE_SECONDS:
        testpki_crl(pki)
    return pki


def timestamper() -> TimeStamper | None:
    """Return the timestamp client of VANTHU_TSA_URL, the test CA's own TSA, or None (B-B)."""
    return timestamper_for(settings.TSA_URL or None, local=local_pki())


def signing_validation_context() -> ValidationContext | None:
    """Return the context whose validation data is embedded when signing (PAdES B-LT), or None.

    B-LT whenever validation data can be obtained: CRLs on disk (VANTHU_CRL_DIR, the test CA's)
    or, with VANTHU_SIGNATURE_FETCH, the OCSP responders and CRLs the certificates name. With
    neither, signatures are B-T (or B-B without a timestamp authority).
    """
    crls = offline_crls()
    if not crls and not settings.SIGNATURE_FETCH:
        return None
    return validation_context_for(trust_roots(), crls=crls, allow_fetching=settings.SIGNATURE_FETCH)

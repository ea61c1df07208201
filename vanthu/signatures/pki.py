# ruff: noqa: PT028 - testpki_* are library functions, not pytest tests
"""A local test PKI: root CA, timestamp authority, certificates for people and agencies, a CRL.

Everything this module issues is for tests and the demo only. Every subject carries the marker
``TEST_MARKER`` so that no certificate can be mistaken for one of a licensed provider (the
Vietnamese government and public CA roots are configured as trust anchors, never made here).

Layout of the directory (all PEM unless noted, private keys unencrypted PKCS#8 at mode 0600)::

    root.cert.pem  root.key.pem     RSA-3072 root CA
    tsa.cert.pem   tsa.key.pem      RSA-2048 timestamp authority (EKU timeStamping, critical)
    issued/<serial hex>.cert.pem    each certificate issued (and .key.pem when the key is made here)
    revoked.txt                     "<serial hex> <ISO 8601 revocation time>" per line
    root.crl                        DER CRL signed by the root, rewritten by testpki_crl()
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = [
    "TEST_MARKER",
    "TestPki",
    "testpki_crl",
    "testpki_issue",
    "testpki_load_or_create",
    "testpki_revoke",
    "testpki_tsa_issue",
]

TEST_MARKER = "THỬ NGHIỆM – KHÔNG CÓ GIÁ TRỊ PHÁP LÝ"  # noqa: RUF001 - Vietnamese typography
ROOT_COMMON_NAME = "Vanthu CA gốc (THỬ NGHIỆM)"
TSA_COMMON_NAME = "Vanthu TSA (THỬ NGHIỆM)"
_UPPER_BOUND = 64  # RFC 5280 ub-common-name, ub-organization-name, ub-title
_ORGANIZATION = "Vanthu (" + TEST_MARKER + ")"

PublicKey = rsa.RSAPublicKey


@dataclass
class TestPki:
    """The test root CA and timestamp authority, with the directory that holds them."""

    __test__ = False  # not a pytest test class

    directory: Path
    root_cert: x509.Certificate
    root_key: rsa.RSAPrivateKey
    tsa_cert: x509.Certificate
    tsa_key: rsa.RSAPrivateKey

    @property
    def root_cert_path(self) -> Path:
        """Return the path of the root certificate (PEM), to configure as a trust anchor."""
        return self.directory / "root.cert.pem"

    @property
    def tsa_cert_path(self) -> Path:
        """Return the path of the TSA certificate (PEM)."""
        return self.directory / "tsa.cert.pem"

    @property
    def tsa_key_path(self) -> Path:
        """Return the path of the TSA private key (PEM, PKCS#8)."""
        return self.directory / "tsa.key.pem"

    @property
    def crl_path(self) -> Path:
        """Return the path of the CRL (DER) last written by ``testpki_crl``."""
        return self.directory / "root.crl"

    @property
    def issued_dir(self) -> Path:
        """Return the directory holding every issued certificate."""
        return self.directory / "issued"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _write_private(path: Path, key: rsa.RSAPrivateKey) -> None:
    data = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    path.chmod(0o600)


def _write_cert(path: Path, cert: x509.Certificate) -> None:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _load_key(path: Path) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError("expected an RSA key in " + str(path))
    return key


def _name(common_name: str, organization: str, title: str = "") -> x509.Name:
    common_name = common_name.strip()[:_UPPER_BOUND]
    organization = organization.strip()[:_UPPER_BOUND]
    title = title.strip()[:_UPPER_BOUND]
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, TEST_MARKER),
    ]
    if title:
        attributes.append(x509.NameAttribute(NameOID.TITLE, title))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def _make_root(key: rsa.RSAPrivateKey) -> x509.Certificate:
    name = _name(ROOT_COMMON_NAME, _ORGANIZATION)
    now = _now()
    public = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )


def _leaf_builder(
    root_cert: x509.Certificate,
    root_key: rsa.RSAPrivateKey,
    subject: x509.Name,
    public_key: PublicKey,
    not_before: dt.datetime,
    not_after: dt.datetime,
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(root_cert.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
    )


def _make_tsa(
    root_cert: x509.Certificate,
    root_key: rsa.RSAPrivateKey,
    *,
    not_after: dt.datetime | None = None,
) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = _now()
    cert = (
        _leaf_builder(
            root_cert,
            root_key,
            _name(TSA_COMMON_NAME, _ORGANIZATION),
            key.public_key(),
            now - dt.timedelta(days=1),
            not_after or now + dt.timedelta(days=3000),
        )
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    return cert, key


def testpki_load_or_create(directory: Path) -> TestPki:
    """Load the test PKI from ``directory``, creating the root CA and TSA on first use."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "issued").mkdir(exist_ok=True)
    root_cert_path = directory / "root.cert.pem"
    root_key_path = directory / "root.key.pem"
    tsa_cert_path = directory / "tsa.cert.pem"
    tsa_key_path = directory / "tsa.key.pem"
    if root_cert_path.exists() and root_key_path.exists():
        root_key = _load_key(root_key_path)
        root_cert = x509.load_pem_x509_certificate(root_cert_path.read_bytes())
    else:
        root_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
        root_cert = _make_root(root_key)
        _write_private(root_key_path, root_key)
        _write_cert(root_cert_path, root_cert)
        tsa_cert_path.unlink(missing_ok=True)
    if tsa_cert_path.exists() and tsa_key_path.exists():
        tsa_key = _load_key(tsa_key_path)
        tsa_cert = x509.load_pem_x509_certificate(tsa_cert_path.read_bytes())
    else:
        tsa_cert, tsa_key = _make_tsa(root_cert, root_key)
        _write_private(tsa_key_path, tsa_key)
        _write_cert(tsa_cert_path, tsa_cert)
    return TestPki(
        directory=directory,
        root_cert=root_cert,
        root_key=root_key,
        tsa_cert=tsa_cert,
        tsa_key=tsa_key,
    )


def testpki_issue(
    pki: TestPki,
    *,
    common_name: str,
    organization: str,
    title: str = "",
    kind: Literal["person", "agency"],
    public_key: PublicKey | None = None,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
) -> tuple[x509.Certificate, rsa.RSAPrivateKey | None]:
    """Issue a signing certificate for a person or an agency; return it with the new key, if any.

    When ``public_key`` is None an RSA-2048 key is generated here, returned and written next
    to the certificate (``issued/<serial>.key.pem``); otherwise the second item is None (the key
    lives on a token). The subject holds CN, O, the title (OID 2.5.4.12, "in what capacity")
    and the test marker. Default validity: from one hour ago for two years.
    """
    if kind not in ("person", "agency"):
        raise ValueError("kind must be 'person' or 'agency'")
    new_key: rsa.RSAPrivateKey | None = None
    if public_key is None:
        new_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public_key = new_key.public_key()
    now = _now()
    start = not_before or now - dt.timedelta(hours=1)
    end = not_after or now + dt.timedelta(days=730)
    cert = (
        _leaf_builder(
            pki.root_cert,
            pki.root_key,
            _name(common_name, organization, title if kind == "person" else ""),
            public_key,
            start,
            end,
        )
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(pki.root_key, hashes.SHA256())
    )
    stem = format(cert.serial_number, "x")
    pki.issued_dir.mkdir(parents=True, exist_ok=True)
    _write_cert(pki.issued_dir / (stem + ".cert.pem"), cert)
    if new_key is not None:
        _write_private(pki.issued_dir / (stem + ".key.pem"), new_key)
    return cert, new_key


def testpki_tsa_issue(
    pki: TestPki, *, not_after: dt.datetime
) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """Issue another timestamp authority certificate and key (a TSA's key rollover, in tests).

    The PKI's own TSA (``pki.tsa_cert``) is left as it is; nothing is written to disk.
    """
    return _make_tsa(pki.root_cert, pki.root_key, not_after=not_after)


def _revoked_entries(pki: TestPki) -> dict[int, dt.datetime]:
    path = pki.directory / "revoked.txt"
    entries: dict[int, dt.datetime] = {}
    if path.exists():
        for line in path.read_text(encoding="ascii").splitlines():
            if line.strip():
                serial, when = line.split()
                entries[int(serial, 16)] = dt.datetime.fromisoformat(when)
    return entries


def testpki_revoke(pki: TestPki, cert: x509.Certificate, *, at: dt.datetime | None = None) -> None:
    """Mark a certificate issued by the test root as revoked (idempotent) and rewrite the CRL."""
    if cert.issuer != pki.root_cert.subject:
        raise ValueError("certificate was not issued by this test PKI")
    entries = _revoked_entries(pki)
    if cert.serial_number not in entries:
        entries[cert.serial_number] = (at or _now()).astimezone(dt.UTC)
        lines = [format(s, "x") + " " + t.isoformat() for s, t in sorted(entries.items())]
        (pki.directory / "revoked.txt").write_text("\n".join(lines) + "\n", encoding="ascii")
    testpki_crl(pki)


def testpki_crl(pki: TestPki, *, next_update_days: int = 7) -> bytes:
    """Return a fresh DER CRL signed by the root, listing revoked serials; write it to disk."""
    now = _now()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(pki.root_cert.subject)
        .last_update(now - dt.timedelta(minutes=5))
        .next_update(now + dt.timedelta(days=next_update_days))
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(pki.root_key.public_key()),
            critical=False,
        )
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
    )
    for serial, when in sorted(_revoked_entries(pki).items()):
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build()
        )
    crl = builder.sign(pki.root_key, hashes.SHA256())
    der = crl.public_bytes(serialization.Encoding.DER)
    pki.crl_path.write_bytes(der)
    return der


# pytest collects functions named test*; these are library functions, not tests.
testpki_load_or_create.__test__ = False  # type: ignore[attr-defined]
testpki_issue.__test__ = False  # type: ignore[attr-defined]
testpki_revoke.__test__ = False  # type: ignore[attr-defined]
testpki_crl.__test__ = False  # type: ignore[attr-defined]
testpki_tsa_issue.__test__ = False  # type: ignore[attr-defined]

"""The test PKI: idempotent, marked as test, keys private, CRL listing revoked serials."""

from __future__ import annotations

import stat

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from vanthu.signatures.pki import (
    TEST_MARKER,
    testpki_crl,
    testpki_issue,
    testpki_load_or_create,
    testpki_revoke,
)


def test_load_or_create_is_idempotent(tmp_path):
    first = testpki_load_or_create(tmp_path)
    again = testpki_load_or_create(tmp_path)
    assert again.root_cert == first.root_cert
    assert again.tsa_cert == first.tsa_cert
    assert first.root_key.key_size == 3072
    assert first.tsa_key.key_size == 2048
    for name in ("root.key.pem", "tsa.key.pem"):
        mode = stat.S_IMODE((tmp_path / name).stat().st_mode)
        assert mode == 0o600, oct(mode)
        assert b"BEGIN PRIVATE KEY" in (tmp_path / name).read_bytes()  # PKCS#8, unencrypted
    usage = first.tsa_cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert usage.critical


def test_issued_person_certificate(pki):
    cert, key = testpki_issue(
        pki,
        common_name="Nguyễn Văn A",
        organization="Sở Thông tin và Truyền thông",
        title="Giám đốc",
        kind="person",
    )
    assert key is not None
    assert key.key_size == 2048
    subject = cert.subject
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Nguyễn Văn A"
    assert subject.get_attributes_for_oid(NameOID.TITLE)[0].value == "Giám đốc"
    assert TEST_MARKER in subject.rfc4514_string()
    assert TEST_MARKER in pki.root_cert.subject.rfc4514_string()
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature
    assert usage.content_commitment  # nonRepudiation
    assert (pki.issued_dir / (format(cert.serial_number, "x") + ".key.pem")).exists()


def test_issue_for_an_existing_public_key_returns_no_key(pki, leader):
    cert, key = testpki_issue(
        pki,
        common_name="Token",
        organization="Cơ quan có tên rất dài " * 5,  # truncated to 64 characters
        kind="agency",
        public_key=leader.key.public_key(),
    )
    assert key is None
    assert cert.public_key() == leader.key.public_key()
    assert len(cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value) == 64


def test_crl_lists_revoked_serials(tmp_path):
    pki = testpki_load_or_create(tmp_path)
    cert, _ = testpki_issue(pki, common_name="B", organization="C", kind="person")
    other, _ = testpki_issue(pki, common_name="D", organization="C", kind="person")
    assert (
        x509.load_der_x509_crl(testpki_crl(pki)).get_revoked_certificate_by_serial_number(
            cert.serial_number
        )
        is None
    )
    testpki_revoke(pki, cert)
    testpki_revoke(pki, cert)  # idempotent
    crl = x509.load_der_x509_crl(testpki_crl(pki))
    assert crl.is_signature_valid(pki.root_cert.public_key())
    assert crl.get_revoked_certificate_by_serial_number(cert.serial_number) is not None
    assert crl.get_revoked_certificate_by_serial_number(other.serial_number) is None
    assert len(list(crl)) == 1
    assert pki.crl_path.read_bytes() == crl.public_bytes(serialization.Encoding.DER)

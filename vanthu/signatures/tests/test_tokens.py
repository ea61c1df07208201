"""PKCS#11 keys on SoftHSM2: generated on the token, certified, used to sign; clear errors."""

from __future__ import annotations

import dataclasses

import pytest
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.x509.oid import NameOID

from vanthu.signatures.pki import testpki_crl
from vanthu.signatures.signing import SigningError, sign_as_agency, sign_as_signer
from vanthu.signatures.tokens import open_signer, token_certificate, token_key_generate
from vanthu.signatures.validation import pdf_validate

from .fixtures import AGENCY, SIGNER, TITLE, pdfsig


def test_certificate_on_token_matches_the_token_key(token_keys, pki):
    cert = token_certificate(token_keys["leader"])
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == SIGNER
    assert cert.subject.get_attributes_for_oid(NameOID.TITLE)[0].value == TITLE
    assert cert.issuer == pki.root_cert.subject
    pki.root_cert.public_key().verify(
        cert.signature,
        cert.tbs_certificate_bytes,
        padding.PKCS1v15(),
        cert.signature_hash_algorithm,
    )


def test_private_key_is_not_extractable(token_keys):
    import pkcs11
    from pkcs11 import Attribute, ObjectClass

    key = token_keys["leader"]
    token = pkcs11.lib(key.module_path).get_token(token_label=key.token_label)
    with token.open(user_pin=key.pin) as session:
        private = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=key.key_label)
        assert private[Attribute.EXTRACTABLE] is False
        assert private[Attribute.SENSITIVE] is True


def test_sign_with_token_keys_valid_for_pyhanko_and_pdfsig(
    token_keys, draft, signature_png, seal_png, pki, nssdb, tmp_path
):
    with open_signer(token_keys["leader"]) as signer:
        signed = sign_as_signer(
            draft,
            signer=signer,
            signer_name=SIGNER,
            signer_title=TITLE,
            signature_image=signature_png,
        )
    with open_signer(token_keys["agency"]) as signer:
        sealed = sign_as_agency(
            signed,
            signer=signer,
            agency_name=AGENCY,
            seal_image=seal_png,
            number_notation="08/QĐ-STTTT",
        )
    assert sealed.startswith(signed)
    assert signed.startswith(draft)
    report = pdf_validate(sealed, trust_roots=[pki.root_cert], crls=[testpki_crl(pki)])
    assert [s.verdict for s in report.signatures] == ["valid", "valid"]
    assert report.signatures[0].signer_name == SIGNER
    output = pdfsig(nssdb, sealed, tmp_path)
    assert output.count("Signature is Valid.") == 2, output
    assert output.count("Certificate is Trusted.") == 2, output


def test_wrong_pin(token_keys):
    wrong = dataclasses.replace(token_keys["leader"], pin="000000")
    with pytest.raises(SigningError, match="PIN"), open_signer(wrong):
        pass


def test_missing_token_and_key(token_keys):
    with (
        pytest.raises(SigningError, match="Không tìm thấy token"),
        open_signer(dataclasses.replace(token_keys["leader"], token_label="khong-co")),
    ):
        pass
    with (
        pytest.raises(SigningError, match="không có khóa ký"),
        open_signer(dataclasses.replace(token_keys["leader"], key_label="khong-co")),
    ):
        pass


def test_key_label_is_not_overwritten(token_keys, pki):
    with pytest.raises(SigningError, match="đã có khóa"):
        token_key_generate(
            token_keys["leader"], pki=pki, common_name="X", organization="Y", kind="person"
        )


def test_pin_is_not_in_repr(token_keys):
    assert token_keys["leader"].pin not in repr(token_keys["leader"])


def test_missing_module(token_keys):
    broken = dataclasses.replace(token_keys["leader"], module_path="/khong/co/libpkcs11.so")
    with pytest.raises(SigningError, match="thư viện PKCS#11"), open_signer(broken):
        pass


def test_token_created_after_the_module_was_loaded(token_keys, softhsm, pki, draft):
    """SoftHSM2 scans its token directory at C_Initialize: a new token needs a re-scan."""
    from vanthu.signatures.tokens import TokenKey, softhsm_token_init

    token_certificate(token_keys["leader"])  # the module is loaded and initialised now
    late = TokenKey(token_keys["leader"].module_path, "vanthu-late", "late-sign", "654321")
    softhsm_token_init(
        conf_path=softhsm["conf"],
        token_dir=softhsm["tokens"],
        label=late.token_label,
        so_pin="87654321",
        pin=late.pin,
    )
    cert = token_key_generate(
        late, pki=pki, common_name="Hoàng Thị E", organization=AGENCY, kind="person"
    )
    with open_signer(late) as signer:
        data = sign_as_signer(
            draft, signer=signer, signer_name="Hoàng Thị E", signer_title="", signature_image=None
        )
    check = pdf_validate(data, trust_roots=[pki.root_cert]).signatures[0]
    assert check.verdict == "valid"
    assert check.certificate_serial == format(cert.serial_number, "X")

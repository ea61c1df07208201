"""Signing keys on PKCS#11 tokens and HSMs (SoftHSM2 in tests and the demo).

A key is named by ``TokenKey``: the module, the token label, the key label and the user PIN.
The signing certificate is stored on the token under the same label (and the same CKA_ID as
the key); the CA certificates of the chain under ``CHAIN_CERT_LABEL``.

SoftHSM2 reads its configuration from the ``SOFTHSM2_CONF`` environment variable when the
module is initialised; this module never sets it. A process that creates tokens after loading
the module sees them because lookups re-initialise the module once when a token is missing.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pkcs11
from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass
from pkcs11 import exceptions as p11_errors
from pyhanko.config.pkcs11 import TokenCriteria
from pyhanko.sign import pkcs11 as pyhanko_p11
from pyhanko.sign.general import SigningError as PyHankoSigningError

from .pki import TestPki, testpki_issue
from .signing import SigningError

__all__ = [
    "CHAIN_CERT_LABEL",
    "SOFTHSM_MODULE",
    "TokenKey",
    "open_signer",
    "softhsm_token_init",
    "token_certificate",
    "token_key_generate",
]

SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
CHAIN_CERT_LABEL = "vanthu-ca"


@dataclass(frozen=True)
class TokenKey:
    """A private key on a PKCS#11 token, with its certificate stored under the same label."""

    module_path: str
    token_label: str
    key_label: str
    pin: str

    def __repr__(self) -> str:
        return (
            "TokenKey(module_path="
            + repr(self.module_path)
            + ", token_label="
            + repr(self.token_label)
            + ", key_label="
            + repr(self.key_label)
            + ", pin='***')"
        )


def softhsm_token_init(
    *, conf_path: Path, token_dir: Path, label: str, so_pin: str, pin: str
) -> None:
    """Create a SoftHSM2 token in ``token_dir``, writing ``conf_path`` if it does not exist.

    Runs ``softhsm2-util --init-token --free`` with ``SOFTHSM2_CONF`` set for that process
    only; the caller sets ``SOFTHSM2_CONF`` for its own process before using the token.
    """
    util = shutil.which("softhsm2-util")
    if util is None:
        raise SigningError("Máy chủ chưa cài SoftHSM2 (thiếu lệnh softhsm2-util).")
    token_dir = Path(token_dir)
    conf_path = Path(conf_path)
    token_dir.mkdir(parents=True, exist_ok=True)
    if not conf_path.exists():
        conf_path.parent.mkdir(parents=True, exist_ok=True)
        conf_path.write_text(
            "directories.tokendir = "
            + str(token_dir)
            + "\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n",
            encoding="utf-8",
        )
    env = {"SOFTHSM2_CONF": str(conf_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(  # noqa: S603 - fixed executable, arguments are not a shell
        [util, "--init-token", "--free", "--label", label, "--so-pin", so_pin, "--pin", pin],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SigningError(
            "Không khởi tạo được token SoftHSM2 «" + label + "»: " + result.stderr.strip()
        )


def _find_token(key: TokenKey) -> Any:
    """Return the python-pkcs11 token for ``key``, re-initialising the module once if needed."""
    try:
        library = pkcs11.lib(key.module_path)
    except Exception as exc:
        raise SigningError("Không nạp được thư viện PKCS#11 «" + key.module_path + "».") from exc
    for attempt in range(2):
        try:
            return library.get_token(token_label=key.token_label)
        except p11_errors.NoSuchToken:
            if attempt == 0:
                # A token created by another process after C_Initialize is only seen after
                # re-initialising (SoftHSM2 scans its token directory at start-up).
                library.reinitialize()
                continue
        except p11_errors.MultipleTokensReturned as exc:
            raise SigningError(
                "Có nhiều token cùng nhãn «" + key.token_label + "»; không biết dùng token nào."
            ) from exc
    raise SigningError("Không tìm thấy token «" + key.token_label + "». Hãy cắm token và thử lại.")


@contextmanager
def _session(key: TokenKey, *, rw: bool = False) -> Iterator[Any]:
    token = _find_token(key)
    try:
        session = token.open(user_pin=key.pin, rw=rw)
    except (p11_errors.PinIncorrect, p11_errors.PinLenRange, p11_errors.PinInvalid) as exc:
        raise SigningError("Mã PIN của token «" + key.token_label + "» không đúng.") from exc
    except p11_errors.PinLocked as exc:
        raise SigningError("Token «" + key.token_label + "» đã bị khóa do nhập sai PIN.") from exc
    except p11_errors.PKCS11Error as exc:
        raise SigningError(
            "Không mở được phiên làm việc với token «" + key.token_label + "»."
        ) from exc
    try:
        yield session
    finally:
        session.close()


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def _store_certificate(session: Any, cert: x509.Certificate, *, label: str, key_id: bytes) -> None:
    session.create_object(
        {
            Attribute.CLASS: ObjectClass.CERTIFICATE,
            Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
            Attribute.TOKEN: True,
            Attribute.PRIVATE: False,
            Attribute.LABEL: label,
            Attribute.ID: key_id,
            Attribute.SUBJECT: cert.subject.public_bytes(),
            Attribute.ISSUER: cert.issuer.public_bytes(),
            Attribute.SERIAL_NUMBER: asn1_x509.Certificate.load(_der(cert))["tbs_certificate"][
                "serial_number"
            ].dump(),
            Attribute.VALUE: _der(cert),
        }
    )


def _certificates_with_label(session: Any, label: str) -> list[x509.Certificate]:
    found = session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.LABEL: label})
    return [x509.load_der_x509_certificate(bytes(obj[Attribute.VALUE])) for obj in found]


def token_key_generate(
    key: TokenKey,
    *,
    pki: TestPki,
    common_name: str,
    organization: str,
    title: str = "",
    kind: Literal["person", "agency"],
) -> x509.Certificate:
    """Generate a non-extractable RSA-2048 key on the token and store its test certificate.

    The public key is certified by the test PKI; the certificate is written to the token under
    ``key.key_label`` (same CKA_ID as the key) and the test root under ``CHAIN_CERT_LABEL``.
    Refuses to overwrite an existing key with the same label.
    """
    with _session(key, rw=True) as session:
        existing = list(
            session.get_objects(
                {Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.LABEL: key.key_label}
            )
        )
        if existing:
            raise SigningError(
                "Token «" + key.token_label + "» đã có khóa «" + key.key_label + "»."
            )
        key_id = secrets.token_bytes(16)
        public, _private = session.generate_keypair(
            KeyType.RSA,
            2048,
            store=True,
            id=key_id,
            label=key.key_label,
            public_template={Attribute.VERIFY: True, Attribute.TOKEN: True},
            private_template={
                Attribute.SIGN: True,
                Attribute.TOKEN: True,
                Attribute.PRIVATE: True,
                Attribute.SENSITIVE: True,
                Attribute.EXTRACTABLE: False,
            },
        )
        modulus = int.from_bytes(bytes(public[Attribute.MODULUS]), "big")
        exponent = int.from_bytes(bytes(public[Attribute.PUBLIC_EXPONENT]), "big")
        public_key = rsa.RSAPublicNumbers(exponent, modulus).public_key()
        cert, _ = testpki_issue(
            pki,
            common_name=common_name,
            organization=organization,
            title=title,
            kind=kind,
            public_key=public_key,
        )
        _store_certificate(session, cert, label=key.key_label, key_id=key_id)
        chain = _certificates_with_label(session, CHAIN_CERT_LABEL)
        if pki.root_cert not in chain:
            root_id = pki.root_cert.extensions.get_extension_for_class(
                x509.SubjectKeyIdentifier
            ).value.digest
            _store_certificate(session, pki.root_cert, label=CHAIN_CERT_LABEL, key_id=root_id)
        return cert


def token_certificate(key: TokenKey) -> x509.Certificate:
    """Return the certificate stored on the token under the key's label."""
    with _session(key) as session:
        certs = _certificates_with_label(session, key.key_label)
    if not certs:
        raise SigningError(
            "Token «" + key.token_label + "» không có chứng thư số «" + key.key_label + "»."
        )
    return certs[0]


@contextmanager
def open_signer(key: TokenKey) -> Iterator[pyhanko_p11.PKCS11Signer]:
    """Open a session on the token and yield a pyHanko signer for the key; close it afterwards.

    Raises ``SigningError`` (Vietnamese message) for a missing module, token, key or
    certificate and for a wrong or locked PIN.
    """
    _find_token(key)  # clear error for a missing module or token, re-scan if needed
    try:
        session = pyhanko_p11.open_pkcs11_session(
            key.module_path,
            token_criteria=TokenCriteria(label=key.token_label),
            user_pin=key.pin,
        )
    except (p11_errors.PinIncorrect, p11_errors.PinLenRange, p11_errors.PinInvalid) as exc:
        raise SigningError("Mã PIN của token «" + key.token_label + "» không đúng.") from exc
    except p11_errors.PinLocked as exc:
        raise SigningError("Token «" + key.token_label + "» đã bị khóa do nhập sai PIN.") from exc
    except (p11_errors.PKCS11Error, PyHankoSigningError) as exc:
        raise SigningError("Không mở được token «" + key.token_label + "».") from exc
    try:
        private = list(
            session.get_objects(
                {Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.LABEL: key.key_label}
            )
        )
        if not private:
            raise SigningError(
                "Token «" + key.token_label + "» không có khóa ký «" + key.key_label + "»."
            )
        if not _certificates_with_label(session, key.key_label):
            raise SigningError(
                "Token «" + key.token_label + "» không có chứng thư số «" + key.key_label + "»."
            )
        chain = _certificates_with_label(session, CHAIN_CERT_LABEL)
        signer = pyhanko_p11.PKCS11Signer(
            session,
            key_label=key.key_label,
            cert_label=key.key_label,
            ca_chain=[asn1_x509.Certificate.load(_der(cert)) for cert in chain],
            other_certs_to_pull=(),
        )
        yield signer
    finally:
        session.close()

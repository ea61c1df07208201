"""Shared fixtures of the signature tests (a pytest plugin, see the root conftest.py): a test PKI,

Everything heavy is session-scoped: RSA keys take a while to generate. SoftHSM2 gets its own
configuration in a session temp directory; ``SOFTHSM2_CONF`` is set for the whole session
before the PKCS#11 module is first loaded (SoftHSM2 reads it at C_Initialize).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from PIL import Image, ImageDraw
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from vanthu.signatures.pki import TestPki, testpki_issue, testpki_load_or_create
from vanthu.signatures.signing import signer_from_key_and_cert
from vanthu.signatures.tokens import SOFTHSM_MODULE, TokenKey

AGENCY = "Sở Thông tin và Truyền thông"
SIGNER = "Nguyễn Văn A"
TITLE = "Giám đốc"
TOKEN_PIN = "123456"


def make_pdf(pages: int = 2, *, javascript: bool = False, text: str = "Quyết định") -> bytes:
    """Return an unsigned A4 PDF with Vietnamese text (and an OpenAction script if asked)."""
    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for number in range(pages):
        pdf.setFont("DejaVu", 12)
        pdf.drawString(72, 760, text + " — trang " + str(number + 1))
        pdf.drawString(72, 740, "Căn cứ Nghị định số 30/2020/NĐ-CP về công tác văn thư.")
        pdf.showPage()
    pdf.save()
    data = buffer.getvalue()
    if javascript:
        from pyhanko.pdf_utils import generic
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

        writer = IncrementalPdfFileWriter(io.BytesIO(data))
        action = generic.DictionaryObject(
            {
                generic.pdf_name("/S"): generic.pdf_name("/JavaScript"),
                generic.pdf_name("/JS"): generic.TextStringObject("app.alert('x');"),
            }
        )
        writer.root[generic.pdf_name("/OpenAction")] = writer.add_object(action)
        writer.update_root()
        out = io.BytesIO()
        writer.write(out)
        data = out.getvalue()
    return data


def png(draw: str) -> bytes:
    """Return a transparent PNG: a blue signature stroke or a red round seal."""
    if draw == "seal":
        image = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
        pen = ImageDraw.Draw(image)
        pen.ellipse([5, 5, 295, 295], outline=(220, 0, 0, 255), width=12)
        pen.ellipse([60, 60, 240, 240], outline=(220, 0, 0, 255), width=5)
    else:
        image = Image.new("RGBA", (400, 160), (0, 0, 0, 0))
        pen = ImageDraw.Draw(image)
        pen.line([(10, 120), (150, 30), (250, 130), (390, 40)], fill=(0, 0, 200, 255), width=6)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class Identity:
    """A certificate with its software key (tests only)."""

    cert: x509.Certificate
    key: rsa.RSAPrivateKey
    pki: TestPki

    def signer(self):
        """Return a pyHanko software signer for this identity."""
        return signer_from_key_and_cert(
            self.key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
            self.cert.public_bytes(serialization.Encoding.PEM),
            [self.pki.root_cert.public_bytes(serialization.Encoding.PEM)],
        )


def issue(pki: TestPki, **kwargs) -> Identity:
    """Issue a software identity from the test PKI."""
    cert, key = testpki_issue(pki, **kwargs)
    assert key is not None
    return Identity(cert=cert, key=key, pki=pki)


@pytest.fixture(scope="session")
def pki(tmp_path_factory) -> TestPki:
    return testpki_load_or_create(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def other_pki(tmp_path_factory) -> TestPki:
    """A second, unrelated root: certificates from it are not trusted."""
    return testpki_load_or_create(tmp_path_factory.mktemp("other-pki"))


@pytest.fixture(scope="session")
def leader(pki) -> Identity:
    return issue(pki, common_name=SIGNER, organization=AGENCY, title=TITLE, kind="person")


@pytest.fixture(scope="session")
def agency(pki) -> Identity:
    return issue(pki, common_name=AGENCY, organization=AGENCY, kind="agency")


@pytest.fixture(scope="session")
def draft() -> bytes:
    return make_pdf(2)


@pytest.fixture(scope="session")
def signature_png() -> bytes:
    return png("signature")


@pytest.fixture(scope="session")
def seal_png() -> bytes:
    return png("seal")


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory) -> dict[str, Path]:
    """Create a SoftHSM2 configuration for this session and point SOFTHSM2_CONF at it."""
    from conftest import require_component

    available = shutil.which("softhsm2-util") is not None and Path(SOFTHSM_MODULE).exists()
    if not available:
        require_component(False, "SoftHSM2 (apt install softhsm2)")
    base = tmp_path_factory.mktemp("softhsm")
    conf = base / "softhsm2.conf"
    tokens = base / "tokens"
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    yield {"conf": conf, "tokens": tokens}
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous


@pytest.fixture(scope="session")
def token_keys(softhsm, pki) -> dict[str, TokenKey]:
    """One token with the leader's key and one with the agency's, both generated on-token."""
    from vanthu.signatures.tokens import softhsm_token_init, token_key_generate

    keys = {
        "leader": TokenKey(SOFTHSM_MODULE, "vanthu-leader", "leader-sign", TOKEN_PIN),
        "agency": TokenKey(SOFTHSM_MODULE, "vanthu-agency", "agency-sign", TOKEN_PIN),
    }
    for key in keys.values():
        softhsm_token_init(
            conf_path=softhsm["conf"],
            token_dir=softhsm["tokens"],
            label=key.token_label,
            so_pin="87654321",
            pin=key.pin,
        )
    token_key_generate(
        keys["leader"],
        pki=pki,
        common_name=SIGNER,
        organization=AGENCY,
        title=TITLE,
        kind="person",
    )
    token_key_generate(
        keys["agency"], pki=pki, common_name=AGENCY, organization=AGENCY, kind="agency"
    )
    return keys


@pytest.fixture(scope="session")
def nssdb(tmp_path_factory, pki) -> Path | None:
    """An NSS database trusting the test root, for poppler's pdfsig; None when tools missing."""
    if shutil.which("pdfsig") is None or shutil.which("certutil") is None:
        return None
    directory = tmp_path_factory.mktemp("nssdb")
    subprocess.run(
        ["certutil", "-N", "-d", "sql:" + str(directory), "--empty-password"], check=True
    )
    subprocess.run(
        [
            "certutil",
            "-A",
            "-d",
            "sql:" + str(directory),
            "-n",
            "vanthu-test-root",
            "-t",
            "CT,C,C",
            "-i",
            str(pki.root_cert_path),
        ],
        check=True,
    )
    return directory


def pdfsig(nssdb: Path | None, data: bytes, tmp_path: Path) -> str:
    """Run poppler's pdfsig on ``data`` with the NSS database; return its output."""
    from conftest import require_component

    require_component(nssdb is not None, "pdfsig and certutil (poppler-utils, libnss3-tools)")
    path = tmp_path / "checked.pdf"
    path.write_bytes(data)
    result = subprocess.run(
        ["pdfsig", "-nssdir", "sql:" + str(nssdb), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout + result.stderr


@pytest.fixture(scope="session")
def encrypted_pdf() -> bytes:
    """Return a password-protected PDF (AES-256, user password "mat-khau")."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(1))))
    writer.encrypt(user_password="mat-khau", owner_password="chu-so-huu", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="session")
def ocsp_authority(pki):
    """An intermediate CA under the test root and its OCSP responder on loopback."""
    from vanthu.signatures.tests.ocsp import ocsp_authority_start

    authority, stop = ocsp_authority_start(pki)
    yield authority
    stop()

"""`vanthu signatures preserve`: B-LTA before proof expires, again before the newest document
timestamp's TSA certificate expires; checked with pyHanko and poppler's pdfsig."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp

from vanthu.core.journal import JournalEntry, journal_verify
from vanthu.registry.choices import SignatureStatus
from vanthu.registry.models import DocumentFile
from vanthu.registry.outgoing import outgoing_document_issue
from vanthu.signatures.management.commands.signatures import Command
from vanthu.signatures.outgoing import outgoing_document_sign
from vanthu.signatures.pki import testpki_crl, testpki_tsa_issue
from vanthu.signatures.tests.fixtures import TOKEN_PIN, pdfsig
from vanthu.signatures.tests.test_documents import _bytes, _draft, _text
from vanthu.signatures.tests.test_documents import signing as signing
from vanthu.signatures.tsa import _asn1_cert, _asn1_key
from vanthu.signatures.validation import validation_context_for

pytestmark = pytest.mark.django_db


def _stamper(cert, key, pki) -> DummyTimeStamper:
    return DummyTimeStamper(
        tsa_cert=_asn1_cert(cert),
        tsa_key=_asn1_key(key),
        certs_to_embed=[_asn1_cert(pki.root_cert)],
    )


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("signatures", "preserve", *args, stdout=out)
    return out.getvalue()


def _issued(cast) -> DocumentFile:
    document = _draft(cast)
    outgoing_document_sign(actor=cast.actor(cast.leader), document_id=document.pk, pin=TOKEN_PIN)
    issued = outgoing_document_issue(actor=cast.actor(cast.clerk), document_id=document.pk)
    return _text(issued)


def test_the_command_renews_before_the_newest_timestamp_expires(
    cast, signing, pki, monkeypatch, nssdb, tmp_path, settings
):
    # given an issued text (the leader's and the agency's signatures, B-LT with the test CRL)
    settings.SIGNATURE_RENEW_DAYS = 60
    final = _issued(cast)
    issued_bytes = _bytes(final)
    now = dt.datetime.now(dt.UTC)
    short = _stamper(*testpki_tsa_issue(pki, not_after=now + dt.timedelta(days=30)), pki)
    long = _stamper(*testpki_tsa_issue(pki, not_after=now + dt.timedelta(days=3000)), pki)
    current = {"tsa": short}
    monkeypatch.setattr("vanthu.signatures.preservation.timestamper", lambda: current["tsa"])

    # when nothing expires within the window, the job only re-checks
    assert "bổ sung dấu thời gian cho 0 tệp" in _run()
    assert _text(final.outgoing) == final

    # when the signers' certificates expire within --days, a first B-LTA revision is stored
    output = _run("--days", "800")
    assert "bổ sung dấu thời gian cho 1 tệp; 0 tệp không bổ sung được." in output
    first = _text(final.outgoing)
    assert first.previous_id == final.pk
    assert [s["kind"] for s in first.signature_report["signatures"]] == [
        "signature",
        "signature",
        "document_timestamp",
    ]

    # when the newest timestamp's TSA certificate (30 days) is within the 60-day window but the
    # authority has no newer certificate, stamping again would change nothing: it waits
    assert "bổ sung dấu thời gian cho 0 tệp" in _run()
    assert _text(final.outgoing) == first

    # when the authority has rolled over to a certificate valid for years, it stamps again
    current["tsa"] = long
    assert "bổ sung dấu thời gian cho 1 tệp" in _run()
    second = _text(final.outgoing)
    assert second.previous_id == first.pk
    kinds = [s["kind"] for s in second.signature_report["signatures"]]
    assert kinds == ["signature", "signature", "document_timestamp", "document_timestamp"]
    assert second.signature_status == SignatureStatus.VALID
    # and then it is left alone
    assert "bổ sung dấu thời gian cho 0 tệp" in _run()
    assert _text(final.outgoing) == second

    # then every revision is kept byte for byte and extends the one before
    assert _bytes(DocumentFile.objects.get(pk=final.pk)) == issued_bytes
    assert _bytes(second).startswith(_bytes(first))
    assert _bytes(first).startswith(issued_bytes)
    assert JournalEntry.objects.filter(action="signatures.preserve").count() == 2
    assert journal_verify() == []

    # and pyHanko, on its own, finds both signatures and both document timestamps sound
    context = validation_context_for([pki.root_cert], crls=[testpki_crl(pki)])
    reader = PdfFileReader(io.BytesIO(_bytes(second)))
    assert "/DSS" in reader.root
    signatures = reader.embedded_signatures
    assert len(signatures) == 4
    for embedded in signatures[:2]:
        status = validate_pdf_signature(embedded, signer_validation_context=context)
        assert status.bottom_line, status.pretty_print_details()
    stamp_times = []
    for embedded in signatures[2:]:
        status = validate_pdf_timestamp(embedded, validation_context=context)
        assert (status.intact, status.valid, status.trusted) == (True, True, True)
        stamp_times.append(status.timestamp)
    assert stamp_times == sorted(stamp_times)
    tsa_expiry = [s.signer_cert.not_valid_after for s in signatures[2:]]
    assert tsa_expiry[1] > tsa_expiry[0] + dt.timedelta(days=2000)
    # and poppler's pdfsig still finds the original signatures valid and trusted
    output = pdfsig(nssdb, _bytes(second), tmp_path)
    assert output.count("Signature is Valid.") >= 2, output
    assert output.count("Certificate is Trusted.") >= 2, output
    for block in output.split("Signature #")[1:3]:
        assert "Signature is Valid." in block, block
        assert "Certificate is Trusted." in block, block


def test_the_command_fails_loudly_when_the_timestamp_authority_is_unreachable(
    cast, signing, settings
):
    from vanthu.signatures.tsa import timestamper_for

    final = _issued(cast)
    files_before = DocumentFile.objects.count()
    # an HTTP timestamp authority on a loopback port where nothing listens
    settings.TSA_URL = "http://127.0.0.1:9/tsa"
    assert timestamper_for(settings.TSA_URL) is not None
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("signatures", "preserve", "--days", "800", stdout=out)
    assert "1 tệp cần bổ sung dấu thời gian nhưng chưa bổ sung được" in str(caught.value)
    assert "0 tệp; 1 tệp không bổ sung được." in out.getvalue()
    # nothing is stored half-way
    assert DocumentFile.objects.count() == files_before
    assert _text(final.outgoing) == final
    # and run as a program the command exits with status 1
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["vanthu", "signatures", "preserve", "--days", "800"])
    assert exited.value.code == 1


def test_without_a_timestamp_authority_due_files_are_reported(
    cast, signing, settings, pki, tmp_path
):
    _issued(cast)
    # the test root stays trusted, but there is no timestamp authority at all
    (tmp_path / "root.pem").write_bytes(pki.root_cert_path.read_bytes())
    settings.TRUST_ANCHORS_DIR = tmp_path
    settings.TEST_PKI_DIR = ""
    settings.TSA_URL = ""
    with pytest.raises(CommandError):
        _run("--days", "800")
    # nothing due: nothing to report
    assert "0 tệp không bổ sung được." in _run("--days", "1")

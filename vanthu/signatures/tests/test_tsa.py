"""RFC 3161 timestamps: B-T with the in-process authority and with an HTTP one on loopback."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from asn1crypto import tsp

from vanthu.signatures.signing import SigningError, sign_as_signer
from vanthu.signatures.tsa import TIMESTAMP_REPLY_TYPE, timestamp_reply, timestamper_for
from vanthu.signatures.validation import pdf_validate

from .fixtures import SIGNER, TITLE


@pytest.fixture(scope="module")
def http_tsa(pki):
    """A tiny HTTP TSA on a free loopback port answering with ``timestamp_reply``."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = timestamp_reply(
                self.rfile.read(length),
                tsa_cert=pki.tsa_cert,
                tsa_key=pki.tsa_key,
                chain=(pki.root_cert,),
            )
            self.send_response(200)
            self.send_header("Content-Type", TIMESTAMP_REPLY_TYPE)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:" + str(server.server_address[1]) + "/"
    server.shutdown()
    server.server_close()


def _assert_b_t(data, pki):
    check = pdf_validate(data, trust_roots=[pki.root_cert]).signatures[0]
    assert check.verdict == "valid"
    assert check.timestamp_time is not None
    assert check.timestamp_trusted
    assert abs((check.timestamp_time - check.signing_time).total_seconds()) < 60


def test_b_t_with_in_process_tsa(draft, leader, pki):
    data = sign_as_signer(
        draft,
        signer=leader.signer(),
        signer_name=SIGNER,
        signer_title=TITLE,
        signature_image=None,
        timestamper=timestamper_for(None, local=pki),
    )
    _assert_b_t(data, pki)


def test_b_t_with_http_tsa(draft, leader, pki, http_tsa):
    data = sign_as_signer(
        draft,
        signer=leader.signer(),
        signer_name=SIGNER,
        signer_title=TITLE,
        signature_image=None,
        timestamp_url=http_tsa,
    )
    _assert_b_t(data, pki)


def test_tsa_from_an_untrusted_root_is_reported(draft, leader, other_pki, pki):
    data = sign_as_signer(
        draft,
        signer=leader.signer(),
        signer_name=SIGNER,
        signer_title=TITLE,
        signature_image=None,
        timestamper=timestamper_for(None, local=other_pki),
    )
    check = pdf_validate(data, trust_roots=[pki.root_cert]).signatures[0]
    assert check.timestamp_time is not None
    assert not check.timestamp_trusted


def test_unreachable_tsa_is_a_signing_error(draft, leader):
    with pytest.raises(SigningError, match="dấu thời gian"):
        sign_as_signer(
            draft,
            signer=leader.signer(),
            signer_name=SIGNER,
            signer_title=TITLE,
            signature_image=None,
            timestamp_url="http://127.0.0.1:9/",
        )


@pytest.mark.parametrize("request_der", [b"", b"\x30\x03\x02\x01\x01", b"junk" * 10])
def test_malformed_request_gets_a_rejection(pki, request_der):
    reply = timestamp_reply(request_der, tsa_cert=pki.tsa_cert, tsa_key=pki.tsa_key)
    # TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken OPTIONAL (absent) }
    assert reply[0] == 0x30
    assert reply[1] == len(reply) - 2
    status = tsp.PKIStatusInfo.load(reply[2:])
    assert status["status"].native == "rejection"
    assert status["fail_info"].native


def test_no_tsa_configured():
    assert timestamper_for(None) is None


def test_archive_timestamp_b_lta(issued_for_archive, pki):
    from vanthu.signatures.pki import testpki_crl
    from vanthu.signatures.signing import pdf_archive_timestamp_add
    from vanthu.signatures.validation import validation_context_for

    context = validation_context_for([pki.root_cert], crls=[testpki_crl(pki)])
    archived = pdf_archive_timestamp_add(
        issued_for_archive,
        timestamper=timestamper_for(None, local=pki),
        validation_context=context,
    )
    assert archived.startswith(issued_for_archive)
    report = pdf_validate(archived, trust_roots=[pki.root_cert])
    kinds = [(s.kind, s.verdict) for s in report.signatures]
    assert kinds == [("signature", "valid"), ("document_timestamp", "valid")], report.to_dict()
    first, stamp = report.signatures
    assert first.changes_after == "allowed"
    assert first.revocation == "good"  # from the CRL now embedded in the document
    assert stamp.coverage in ("entire_file", "entire_revision")  # DSS for the TSA may follow
    assert stamp.changes_after in ("none", "allowed")
    assert stamp.summary_vi.startswith("Dấu thời gian tài liệu hợp lệ — do Vanthu TSA")


@pytest.fixture
def issued_for_archive(draft, leader):
    return sign_as_signer(
        draft,
        signer=leader.signer(),
        signer_name=SIGNER,
        signer_title=TITLE,
        signature_image=None,
    )


def test_can_sign_after_an_archive_timestamp(issued_for_archive, agency, pki):
    from vanthu.signatures.signing import pdf_archive_timestamp_add, sign_as_agency

    archived = pdf_archive_timestamp_add(
        issued_for_archive, timestamper=timestamper_for(None, local=pki)
    )
    sealed = sign_as_agency(
        archived,
        signer=agency.signer(),
        agency_name="Sở Thông tin và Truyền thông",
        seal_image=None,
        number_notation="3/QĐ",
    )
    report = pdf_validate(sealed, trust_roots=[pki.root_cert])
    assert [s.verdict for s in report.signatures] == ["valid", "valid", "valid"]


def test_b_lt_signer_then_agency_as_the_service_does(draft, leader, agency, pki, nssdb, tmp_path):
    """Timestamper and validation context on both signatures (B-LT), as issuing does."""
    from vanthu.signatures.pki import testpki_crl
    from vanthu.signatures.signing import sign_as_agency
    from vanthu.signatures.validation import validation_context_for

    from .fixtures import pdfsig

    def context():
        return validation_context_for([pki.root_cert], crls=[testpki_crl(pki)])

    signed = sign_as_signer(
        draft,
        signer=leader.signer(),
        signer_name=SIGNER,
        signer_title=TITLE,
        signature_image=None,
        timestamper=timestamper_for(None, local=pki),
        validation_context=context(),
    )
    sealed = sign_as_agency(
        signed,
        signer=agency.signer(),
        agency_name="Sở Thông tin và Truyền thông",
        seal_image=None,
        number_notation="5/QĐ-STTTT",
        timestamper=timestamper_for(None, local=pki),
        validation_context=context(),
    )
    report = pdf_validate(sealed, trust_roots=[pki.root_cert])
    assert [(s.verdict, s.revocation, s.timestamp_trusted) for s in report.signatures] == [
        ("valid", "good", True),
        ("valid", "good", True),
    ]
    output = pdfsig(nssdb, sealed, tmp_path)
    assert output.count("Signature is Valid.") == 2, output

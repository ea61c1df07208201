"""Revocation of the whole chain: OCSP fetched online from a responder on loopback, OCSP
embedded in the PDF (DSS, signed attributes), CRLs; "good" only with evidence, else "chưa kiểm
tra"; and PAdES B-LT signing whenever validation data can be obtained."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import DocumentSecurityStore

from vanthu.signatures.pki import testpki_crl, testpki_revoke
from vanthu.signatures.revocation import RevocationData, chain_revocation
from vanthu.signatures.signing import sign_as_signer
from vanthu.signatures.tsa import timestamper_for
from vanthu.signatures.validation import pdf_validate, validation_context_for

from .fixtures import AGENCY, make_pdf, pdfsig
from .ocsp import ocsp_authority_start

INTERMEDIATE = "Vanthu CA trung gian (THỬ NGHIỆM)"


def _sign(identity, **kwargs) -> bytes:
    return sign_as_signer(
        make_pdf(1),
        signer=identity.signer(),
        signer_name="Hoàng Văn E",
        signer_title="Phó Giám đốc",
        signature_image=None,
        **kwargs,
    )


def _ocsp_for(authority, cert, issuer, **kwargs) -> bytes:
    return authority.response(authority.request_for(cert, issuer), **kwargs)


def _with_dss(data: bytes, *, ocsps: list[bytes]) -> bytes:
    """Add OCSP responses to the document's DSS in an incremental update (as B-LT tools do)."""
    from asn1crypto import ocsp as asn1_ocsp  # type: ignore[import-untyped]

    reader = PdfFileReader(io.BytesIO(data))
    contents = reader.embedded_signatures[0].pkcs7_content
    out = io.BytesIO(data)
    DocumentSecurityStore.add_dss(
        out, contents, ocsps=[asn1_ocsp.OCSPResponse.load(o) for o in ocsps]
    )
    return out.getvalue()


# --- online (VANTHU_SIGNATURE_FETCH) --------------------------------------------------------


def test_a_good_status_fetched_online_is_reported_checked(pki, ocsp_authority):
    # given a B-B signature by a certificate under an intermediate CA with an OCSP responder
    signer = ocsp_authority.issue("Hoàng Văn E", organization=AGENCY, title="Phó Giám đốc")
    data = _sign(signer)
    # when it is checked offline, revocation is "not checked" and said so
    offline = pdf_validate(data, trust_roots=[pki.root_cert]).signatures[0]
    assert offline.revocation == "not_checked"
    assert offline.summary_vi.endswith("(chưa kiểm tra thu hồi chứng thư)")
    assert offline.revocation_vi == "Thu hồi chứng thư: chưa kiểm tra."
    assert any(
        "Chưa kiểm tra được tình trạng thu hồi của chứng thư số của người ký" in r
        and INTERMEDIATE in r
        for r in offline.reasons
    )
    # when fetching is allowed, the responder is asked for the signer and the intermediate CA
    before = ocsp_authority.requests
    report = pdf_validate(data, trust_roots=[pki.root_cert], allow_fetching=True)
    check = report.signatures[0]
    assert ocsp_authority.requests >= before + 2
    # then the good status is reported as checked, and nothing says otherwise
    assert (check.verdict, check.revocation, check.revocation_sources) == (
        "valid",
        "good",
        ["ocsp"],
    )
    assert "chưa kiểm tra" not in check.summary_vi
    assert check.reasons == []
    assert check.revocation_vi == "Thu hồi chứng thư: đã kiểm tra (OCSP), chưa bị thu hồi."
    assert report.revocation_checked
    assert report.summary_vi == "Tệp có 1 chữ ký số: 1 hợp lệ."


def test_a_revoked_status_fetched_online_makes_the_signature_invalid(pki, ocsp_authority):
    signer = ocsp_authority.issue("Đỗ Thị G", organization=AGENCY, title="Trưởng phòng")
    data = _sign(signer)
    ocsp_authority.revoke(signer.cert)
    check = pdf_validate(data, trust_roots=[pki.root_cert], allow_fetching=True).signatures[0]
    assert check.revocation == "revoked"
    assert check.revocation_time is not None
    assert check.verdict == "invalid"
    assert check.reasons[0].startswith("Chứng thư số đã bị thu hồi từ ")
    assert check.revocation_vi == "Thu hồi chứng thư: đã bị thu hồi."


def test_an_unreachable_responder_leaves_revocation_not_checked(pki, ocsp_authority):
    # a certificate naming a responder on a port where nothing listens
    signer = ocsp_authority.issue(
        "Lý Văn H", organization=AGENCY, url="http://127.0.0.1:9/ocsp-khong-co"
    )
    check = pdf_validate(
        _sign(signer), trust_roots=[pki.root_cert], allow_fetching=True
    ).signatures[0]
    assert check.revocation == "not_checked"
    assert check.verdict == "valid"
    assert check.summary_vi.endswith("(chưa kiểm tra thu hồi chứng thư)")
    assert any("không lấy được CRL/OCSP trực tuyến" in r for r in check.reasons)


def test_a_revoked_intermediate_ca_is_caught_online_and_by_the_roots_crl(pki):
    # given its own intermediate CA (revoking it must not disturb other tests)
    authority, stop = ocsp_authority_start(pki)
    try:
        signer = authority.issue("Vũ Văn K", organization=AGENCY, title="Chánh Văn phòng")
        data = _sign(signer)
        good = pdf_validate(data, trust_roots=[pki.root_cert], allow_fetching=True)
        assert good.signatures[0].revocation == "good"
        # when the root revokes the intermediate CA (its OCSP answer, then its CRL)
        authority.revoke(authority.ca_cert)
        online = pdf_validate(data, trust_roots=[pki.root_cert], allow_fetching=True)
        testpki_revoke(pki, authority.ca_cert)
        offline = pdf_validate(data, trust_roots=[pki.root_cert], crls=[testpki_crl(pki)])
    finally:
        stop()
    # then the signer's own certificate being good does not make the signature valid
    for report in (online, offline):
        check = report.signatures[0]
        assert (check.revocation, check.verdict) == ("revoked", "invalid")
        assert check.reasons[0].startswith(
            "Chứng thư của tổ chức cấp «" + INTERMEDIATE + "» đã bị thu hồi"
        )


# --- embedded in the PDF --------------------------------------------------------------------


def test_ocsp_responses_in_the_dss_are_evidence_good_and_revoked(pki, ocsp_authority):
    signer = ocsp_authority.issue("Phan Văn L", organization=AGENCY)
    data = _sign(signer)
    ca, root = ocsp_authority.ca_cert, pki.root_cert
    both_good = _with_dss(
        data,
        ocsps=[
            _ocsp_for(ocsp_authority, signer.cert, ca),
            _ocsp_for(ocsp_authority, ca, root),
        ],
    )
    requests = ocsp_authority.requests
    check = pdf_validate(both_good, trust_roots=[pki.root_cert]).signatures[0]
    assert (check.revocation, check.revocation_sources, check.verdict) == (
        "good",
        ["ocsp"],
        "valid",
    )
    assert ocsp_authority.requests == requests  # offline: nothing was fetched
    # only the signer's response: the intermediate CA stays unchecked, so not "good"
    half = _with_dss(data, ocsps=[_ocsp_for(ocsp_authority, signer.cert, ca)])
    check = pdf_validate(half, trust_roots=[pki.root_cert]).signatures[0]
    assert check.revocation == "not_checked"
    assert any(INTERMEDIATE in r and "chưa" in r.lower() for r in check.reasons)
    # a "revoked" response embedded in the file makes it invalid
    ocsp_authority.revoke(signer.cert)
    revoked = _with_dss(
        data,
        ocsps=[
            _ocsp_for(ocsp_authority, signer.cert, ca),
            _ocsp_for(ocsp_authority, ca, root),
        ],
    )
    check = pdf_validate(revoked, trust_roots=[pki.root_cert]).signatures[0]
    assert (check.revocation, check.verdict) == ("revoked", "invalid")


def test_ocsp_responses_in_the_signed_attributes_are_evidence(pki, ocsp_authority):
    # given a signature as desktop tools make it: adbe.pkcs7.detached with Adobe's
    # revocation attribute among the signed attributes, and no DSS
    signer = ocsp_authority.issue("Trịnh Văn M", organization=AGENCY)
    meta = signers.PdfSignatureMetadata(
        field_name="Signature1",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.ADOBE_PKCS7_DETACHED,
        embed_validation_info=True,
        validation_context=validation_context_for([pki.root_cert], allow_fetching=True),
    )
    output = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(make_pdf(1))), meta, signer=signer.signer()
    )
    data = output.getvalue()
    assert "/DSS" not in PdfFileReader(io.BytesIO(data)).root
    # when it is checked offline
    requests = ocsp_authority.requests
    check = pdf_validate(data, trust_roots=[pki.root_cert]).signatures[0]
    # then the embedded responses prove the chain unrevoked
    assert ocsp_authority.requests == requests
    assert (check.verdict, check.revocation, check.revocation_sources) == (
        "valid",
        "good",
        ["ocsp"],
    )


# --- what counts as evidence ----------------------------------------------------------------


def _chain(authority, signer, pki):
    return [signer.cert, authority.ca_cert, pki.root_cert]


def test_forged_or_unauthorised_ocsp_responses_are_no_evidence(pki, ocsp_authority):
    signer = ocsp_authority.issue("Mai Văn N", organization=AGENCY)
    request = ocsp.load_der_ocsp_request(
        ocsp_authority.request_for(signer.cert, ocsp_authority.ca_cert)
    )
    now = dt.datetime.now(dt.UTC)
    # a genuine "good" answer whose signature was altered
    forged = bytearray(_ocsp_for(ocsp_authority, signer.cert, ocsp_authority.ca_cert))
    forged[-1] ^= 0x01
    # a "good" answer for the signer signed by the root, which did not issue it
    unauthorised = (
        ocsp.OCSPResponseBuilder()
        .add_response_by_hash(
            issuer_name_hash=request.issuer_name_hash,
            issuer_key_hash=request.issuer_key_hash,
            serial_number=request.serial_number,
            algorithm=request.hash_algorithm,
            cert_status=ocsp.OCSPCertStatus.GOOD,
            this_update=now,
            next_update=now + dt.timedelta(days=1),
            revocation_time=None,
            revocation_reason=None,
        )
        .responder_id(ocsp.OCSPResponderEncoding.HASH, pki.root_cert)
        .sign(pki.root_key, hashes.SHA256())
        .public_bytes(serialization.Encoding.DER)
    )
    ca_good = _ocsp_for(ocsp_authority, ocsp_authority.ca_cert, pki.root_cert)
    for bad in (bytes(forged), unauthorised):
        found = chain_revocation(
            _chain(ocsp_authority, signer, pki),
            RevocationData.load(ocsps=[bad, ca_good]),
            complete=True,
            moment=now,
        )
        assert (found.status, found.unchecked_signer) == ("not_checked", True)
    # while the genuine answer is
    genuine = _ocsp_for(ocsp_authority, signer.cert, ocsp_authority.ca_cert)
    found = chain_revocation(
        _chain(ocsp_authority, signer, pki),
        RevocationData.load(ocsps=[genuine, ca_good]),
        complete=True,
        moment=now,
    )
    assert found.status == "good"


def test_stale_evidence_counts_only_for_a_timestamped_signature(pki, ocsp_authority):
    signer = ocsp_authority.issue("Tạ Văn P", organization=AGENCY)
    chain = _chain(ocsp_authority, signer, pki)
    last_week = dt.datetime.now(dt.UTC) - dt.timedelta(days=7)
    old = RevocationData.load(
        ocsps=[
            _ocsp_for(ocsp_authority, signer.cert, ocsp_authority.ca_cert, now=last_week),
            _ocsp_for(ocsp_authority, ocsp_authority.ca_cert, pki.root_cert, now=last_week),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    # a week-old answer (next update six days ago) says nothing about today
    stale = chain_revocation(chain, old, complete=True, moment=now)
    assert (stale.status, stale.stale) == ("not_checked", True)
    # but it was current when a trusted timestamp proves the signature existed (B-LT)
    proven = chain_revocation(
        chain, old, complete=True, moment=now, signed_at=last_week + dt.timedelta(hours=2)
    )
    assert proven.status == "good"
    # and not for a signature made after it expired
    later = chain_revocation(
        chain, old, complete=True, moment=now, signed_at=now - dt.timedelta(days=2)
    )
    assert later.status == "not_checked"


def test_evidence_from_an_untrusted_chain_is_never_good(pki, ocsp_authority):
    signer = ocsp_authority.issue("Lâm Văn Q", organization=AGENCY)
    data = RevocationData.load(
        ocsps=[_ocsp_for(ocsp_authority, signer.cert, ocsp_authority.ca_cert)]
    )
    found = chain_revocation(
        [signer.cert, ocsp_authority.ca_cert],
        data,
        complete=False,
        moment=dt.datetime.now(dt.UTC),
    )
    assert found.status == "not_checked"
    assert not found.chain_complete


def test_unreadable_revocation_data_is_dropped_not_raised():
    data = RevocationData.load(crls=[b"", b"\x30\x03abc"], ocsps=[b"junk"], certs=[b"\x00"])
    assert data == RevocationData()


# --- signing B-LT when validation data can be fetched ---------------------------------------


def test_with_fetching_on_signatures_are_b_lt_with_the_fetched_ocsp_embedded(
    settings, tmp_path, pki, ocsp_authority, nssdb
):
    from vanthu.signatures.checks import pdf_report
    from vanthu.signatures.trust import signing_validation_context

    # given trust anchors on disk, no CRL anywhere, and no test CA (a production set-up)
    anchors = tmp_path / "trust"
    anchors.mkdir()
    (anchors / "root.pem").write_bytes(pki.root_cert_path.read_bytes())
    settings.TRUST_ANCHORS_DIR = anchors
    settings.CRL_DIR = tmp_path / "no-crl"
    settings.TEST_PKI_DIR = ""
    settings.SIGNATURE_FETCH = False
    # then without fetching there is no validation data to embed: B-T at most
    assert signing_validation_context() is None
    # when fetching is on, signing embeds the OCSP responses it fetched (B-LT)
    settings.SIGNATURE_FETCH = True
    context = signing_validation_context()
    assert context is not None
    signer = ocsp_authority.issue("Quách Văn R", organization=AGENCY, title="Giám đốc")
    data = _sign(signer, validation_context=context, timestamper=timestamper_for(None, local=pki))
    dss = PdfFileReader(io.BytesIO(data)).root["/DSS"]
    embedded = [ocsp.load_der_ocsp_response(bytes(ref.get_object().data)) for ref in dss["/OCSPs"]]
    serials = {single.serial_number for r in embedded for single in r.responses}
    assert {signer.cert.serial_number, ocsp_authority.ca_cert.serial_number} <= serials
    # and a check without network finds the chain unrevoked from the file alone
    settings.SIGNATURE_FETCH = False
    requests = ocsp_authority.requests
    report = pdf_report(data)
    check = report.signatures[0]
    assert ocsp_authority.requests == requests
    assert (check.verdict, check.revocation, check.revocation_sources) == (
        "valid",
        "good",
        ["ocsp"],
    )
    assert check.timestamp_trusted
    # and poppler's pdfsig, trusting the test root, accepts the B-LT signature
    output = pdfsig(nssdb, data, tmp_path)
    assert "Signature is Valid." in output
    assert "Certificate is Trusted." in output


def test_the_settings_switch_fetching_for_checks(settings, tmp_path, pki, ocsp_authority):
    from vanthu.signatures.checks import pdf_report

    anchors = tmp_path / "trust"
    anchors.mkdir()
    (anchors / "root.pem").write_bytes(pki.root_cert_path.read_bytes())
    settings.TRUST_ANCHORS_DIR = anchors
    settings.CRL_DIR = tmp_path / "no-crl"
    settings.TEST_PKI_DIR = ""
    data = _sign(ocsp_authority.issue("Hà Văn S", organization=AGENCY))
    settings.SIGNATURE_FETCH = False
    assert pdf_report(data).signatures[0].revocation == "not_checked"
    settings.SIGNATURE_FETCH = True
    assert pdf_report(data).signatures[0].revocation == "good"


@pytest.mark.parametrize("field", ["crl", "other"])
def test_revocation_data_in_the_cms_crls_field_is_read(pki, ocsp_authority, field):
    from asn1crypto import cms  # type: ignore[import-untyped]
    from asn1crypto import crl as asn1_crl
    from asn1crypto import ocsp as asn1_ocsp

    from vanthu.signatures.revocation import cms_revocation_blobs

    signer = ocsp_authority.issue("Kiều Văn T", organization=AGENCY)
    response = _ocsp_for(ocsp_authority, signer.cert, ocsp_authority.ca_cert)
    crl = testpki_crl(pki)
    if field == "crl":
        choice = cms.RevocationInfoChoice(name="crl", value=asn1_crl.CertificateList.load(crl))
    else:
        choice = cms.RevocationInfoChoice(
            name="other",
            value=cms.OtherRevocationInfoFormat(
                {
                    "other_rev_info_format": "ocsp_response",
                    "other_rev_info": asn1_ocsp.OCSPResponse.load(response),
                }
            ),
        )
    signed_data = {"crls": cms.RevocationInfoChoices([choice])}
    crls, ocsps = cms_revocation_blobs(signed_data, {"signed_attrs": None})
    assert (crls, ocsps) == (([crl], []) if field == "crl" else ([], [response]))
    assert x509.load_der_x509_crl(crl)


@pytest.mark.django_db
def test_the_checks_page_says_whether_revocation_was_checked(
    client, cast, settings, tmp_path, pki, ocsp_authority
):
    from django.urls import reverse

    from vanthu.registry.choices import IntakeChannel
    from vanthu.registry.incoming import IncomingData, incoming_document_register
    from vanthu.registry.models import DocumentType
    from vanthu.signatures.checks import document_file_check
    from vanthu.signatures.models import CheckReason

    anchors = tmp_path / "trust"
    anchors.mkdir()
    (anchors / "root.pem").write_bytes(pki.root_cert_path.read_bytes())
    settings.TRUST_ANCHORS_DIR = anchors
    settings.CRL_DIR = tmp_path / "no-crl"
    settings.TEST_PKI_DIR = ""
    # given a received PDF signed by a certificate whose CA runs an OCSP responder
    received = incoming_document_register(
        actor=cast.actor(cast.clerk),
        data=IncomingData(
            sender_name="Sở Tài chính",
            number="12",
            notation="STC-VP",
            document_date=dt.date.today(),
            document_type_id=DocumentType.objects.get(code="cong-van").pk,
            summary="V/v kiểm tra thu hồi chứng thư",
        ),
        files=[("cong-van.pdf", _sign(ocsp_authority.issue("Hồ Văn U", organization=AGENCY)))],
        channel=IntakeChannel.ELECTRONIC,
    )
    stored = received.files.get()
    client.force_login(cast.clerk)
    page_url = reverse("signatures:file_checks", args=[stored.pk])
    # when it is checked offline, the page says revocation was not checked
    settings.SIGNATURE_FETCH = False
    document_file_check(file_id=stored.pk, reason=CheckReason.INTAKE)
    page = client.get(page_url).content.decode()
    assert "Thu hồi chứng thư: chưa kiểm tra." in page
    assert "đã kiểm tra (OCSP)" not in page
    # when it is checked again with fetching on, the newest check says it was, by OCSP
    settings.SIGNATURE_FETCH = True
    document_file_check(file_id=stored.pk, reason=CheckReason.REVALIDATION)
    page = client.get(page_url).content.decode()
    assert page.index("Thu hồi chứng thư: đã kiểm tra (OCSP), chưa bị thu hồi.") < page.index(
        "Thu hồi chứng thư: chưa kiểm tra."
    )


def test_an_ocsp_answer_without_next_update_is_current_for_a_day(pki, ocsp_authority):
    signer = ocsp_authority.issue("Âu Văn V", organization=AGENCY)
    ca = ocsp_authority.ca_cert
    now = dt.datetime.now(dt.UTC)

    def status(age: dt.timedelta) -> str:
        answered = now - age
        data = RevocationData.load(
            ocsps=[
                _ocsp_for(ocsp_authority, signer.cert, ca, now=answered, next_update=False),
                _ocsp_for(ocsp_authority, ca, pki.root_cert, now=answered, next_update=False),
            ]
        )
        chain = _chain(ocsp_authority, signer, pki)
        return chain_revocation(chain, data, complete=True, moment=now).status

    assert status(dt.timedelta(hours=2)) == "good"
    assert status(dt.timedelta(days=2)) == "not_checked"

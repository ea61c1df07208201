"""In a real browser: a leader signs a draft with a PKCS#11 key, the clerk issues and sends it,
and the receiving agency sees who signed it, in what capacity, and that the signature is valid."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import run_worker, sign_in
from vanthu.registry.choices import FileRole
from vanthu.registry.models import DocumentFile, DocumentType
from vanthu.registry.outgoing import OutgoingData, RecipientData, outgoing_document_create
from vanthu.signatures.tests.fixtures import SIGNER, TITLE, TOKEN_PIN, make_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_signs_clerk_issues_receiver_sees_valid_signer(page: Page, live_server, cast, keys):
    # given a draft Công văn to agency B, to be signed by the leader
    draft = outgoing_document_create(
        actor=cast.actor(cast.clerk),
        data=OutgoingData(
            document_type_id=DocumentType.objects.get(code="cong-van").pk,
            summary="V/v triển khai chữ ký số chuyên dùng",
            drafting_unit_id=cast.office_a.pk,
            signer_id=cast.leader.pk,
            signer_position=TITLE,
        ),
        recipients=[RecipientData(agency_id=cast.agency_b.pk)],
        files=[("cong-van.pdf", make_pdf(2, text="Công văn"))],
    )
    detail = f"/van-ban/di/{draft.pk}/"

    # when the leader opens it, types the token PIN and signs
    sign_in(page, live_server.url, detail, "giamdoc.a")
    page.get_by_label("Mã PIN của token").fill(TOKEN_PIN)
    page.get_by_role("button", name="Ký số").click()
    expect(page.get_by_text("Đã ký số văn bản.")).to_be_visible()
    expect(page.locator("#chu-ky-so")).to_be_visible()
    expect(page.locator(".signature--valid")).to_contain_text(SIGNER)

    # when the clerk issues it
    sign_in(page, live_server.url, detail, "vanthu.a")
    page.get_by_role("button", name="Phát hành").click()
    expect(page.get_by_text("Đã phát hành văn bản số 01/STTTT-VP.")).to_be_visible()
    expect(page.locator(".signature--valid")).to_have_count(2)
    signed = DocumentFile.objects.get(outgoing=draft, role=FileRole.ORIGINAL, is_current=True)
    with signed.file.open("rb") as handle:
        content = handle.read()

    # when the clerk sends it, agency B (hosted here) finds it in its queue
    page.get_by_role("button", name="Gửi văn bản").click()
    expect(page.get_by_text("Đã ghi nhận thời điểm gửi văn bản.")).to_be_visible()
    sign_in(page, live_server.url, "/lien-thong/den/", "vanthu.b")
    page.get_by_role("link", name="V/v triển khai chữ ký số chuyên dùng").click()
    expect(page.get_by_text("Đang kiểm tra chữ ký số")).to_be_visible()
    run_worker()
    page.reload()

    # then before receiving it, B's clerk sees "valid — signed by … as …" for the file
    expect(page.locator(".file-list")).to_contain_text(f"Hợp lệ — ký bởi {SIGNER}, {TITLE}")

    # and once received into the register, the document's own panel says the same
    page.get_by_role("button", name="Tiếp nhận vào sổ").click()
    expect(page.get_by_text("Đã tiếp nhận vào sổ văn bản đến số 1/")).to_be_visible()
    run_worker()
    page.reload()
    panel = page.locator("section:has(#chu-ky-so)")
    expect(panel).to_contain_text(f"Hợp lệ — ký bởi {SIGNER}, {TITLE}")
    expect(panel.locator(".signature--valid")).to_have_count(2)
    received = DocumentFile.objects.get(incoming__agency=cast.agency_b, role=FileRole.ORIGINAL)
    with received.file.open("rb") as handle:
        assert handle.read() == content  # the bytes the agency signed, unchanged

"""In a real browser: a leader signs a draft with a PKCS#11 key, the clerk issues it, and the
receiving agency sees who signed it, in what capacity, and that the signature is valid."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connections
from django_tasks_db.management.commands.db_worker import Worker
from playwright.sync_api import Page, expect

from vanthu.organizations.tests.factories import DEFAULT_PASSWORD
from vanthu.registry.choices import FileRole
from vanthu.registry.models import DocumentFile, DocumentType
from vanthu.registry.outgoing import OutgoingData, RecipientData, outgoing_document_create
from vanthu.signatures.tests.fixtures import SIGNER, TITLE, TOKEN_PIN, make_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _run_worker() -> None:
    """Run the queued tasks as `vanthu worker` would, in a thread of its own (Playwright's
    event loop runs in this one, and pyHanko runs its own)."""

    failures: list[BaseException] = []

    def work() -> None:
        try:
            # The worker loop of `vanthu worker` (db_worker), without its signal handlers.
            Worker(
                queue_names=["*"],
                interval=0,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id="browser-test",
                excluded_queue_names=[],
            ).run()
        except BaseException as exc:  # reported in the test's thread
            failures.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=120)
    assert not failures, failures


def _sign_in(page: Page, base_url: str, path: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(base_url + path)
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next="))
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


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
    _sign_in(page, live_server.url, detail, "giamdoc.a")
    page.get_by_label("Mã PIN của token").fill(TOKEN_PIN)
    page.get_by_role("button", name="Ký số").click()
    expect(page.get_by_text("Đã ký số văn bản.")).to_be_visible()
    expect(page.locator("#chu-ky-so")).to_be_visible()
    expect(page.locator(".signature--valid")).to_contain_text(SIGNER)

    # when the clerk issues it
    _sign_in(page, live_server.url, detail, "vanthu.a")
    page.get_by_role("button", name="Phát hành").click()
    expect(page.get_by_text("Đã phát hành văn bản số 01/STTTT-VP.")).to_be_visible()
    expect(page.locator(".signature--valid")).to_have_count(2)
    signed = DocumentFile.objects.get(outgoing=draft, role=FileRole.ORIGINAL, is_current=True)
    with signed.file.open("rb") as handle:
        content = handle.read()

    # when the clerk of agency B registers the PDF it received
    _sign_in(page, live_server.url, "/van-ban/den/vao-so/?kenh=dien-tu", "vanthu.b")
    page.get_by_label("Tệp văn bản điện tử").set_input_files(
        {"name": "01-STTTT-VP.pdf", "mimeType": "application/pdf", "buffer": content}
    )
    page.get_by_label("Nơi gửi").fill("Thông tin")
    page.get_by_label("Số", exact=True).fill("1")
    page.get_by_label("Ký hiệu").fill("STTTT-VP")
    page.get_by_label("Ngày văn bản").fill(signed.created_at.strftime("%d/%m/%Y"))
    page.get_by_label("Loại văn bản").select_option(label="Công văn")
    page.get_by_label("Trích yếu nội dung").fill("V/v triển khai chữ ký số chuyên dùng")
    page.get_by_label(re.compile("Sở Thông tin và Truyền thông")).check()
    page.get_by_role("button", name="Vào sổ").click()
    expect(page.get_by_text("Đã vào sổ văn bản đến số 1/")).to_be_visible()
    expect(page.locator("section:has(#chu-ky-so)")).to_contain_text("Đang kiểm tra chữ ký số")
    _run_worker()
    page.reload()

    # then the receiving agency sees "valid — signed by … as …"
    panel = page.locator("section:has(#chu-ky-so)")
    expect(panel).to_contain_text(f"Hợp lệ — ký bởi {SIGNER}, {TITLE}")
    expect(panel.locator(".signature--valid")).to_have_count(2)

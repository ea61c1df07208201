"""In a real browser, the whole path of a document: the clerk presents it, the leader directs,
the unit head passes it to a specialist, who drafts the reply; the unit head reviews the draft,
the leader signs it with a PKCS#11 key and approves it, the clerk issues it, and the incoming
document closes with its reply linked. The timeline is checked at every step."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import sign_in
from vanthu.registry.choices import IncomingStatus, OutgoingStatus
from vanthu.registry.models import IncomingDocument, OutgoingDocument
from vanthu.registry.tests.factories import IncomingDocumentFactory
from vanthu.signatures.tests.fixtures import TOKEN_PIN, make_pdf
from vanthu.workflow.choices import AssignmentState, DraftState
from vanthu.workflow.models import Assignment, DraftReview

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _timeline(page: Page) -> list[str]:
    return [t.strip() for t in page.locator(".timeline__step").all_inner_texts()]


def test_clerk_leader_unit_head_specialist_reply_signed_and_issued(
    page: Page, live_server, cast, keys
):
    incoming = IncomingDocumentFactory(
        agency=cast.agency_a,
        registered_by=cast.clerk,
        registered=True,
        summary="V/v đề nghị báo cáo tình hình chuyển đổi số",
    )
    detail = f"/van-ban/den/{incoming.pk}/"

    # the clerk presents it to the leader
    sign_in(page, live_server.url, detail, "vanthu.a")
    page.locator("#trinh").get_by_label("Trình lãnh đạo").select_option(label="Phạm Minh Giám")
    page.get_by_role("button", name="Trình lãnh đạo").click()
    expect(page.get_by_text("Đã trình lãnh đạo.")).to_be_visible()
    assert _timeline(page)[-1].endswith("Trình Phạm Minh Giám")

    # the leader finds it in "Việc của tôi" and directs Phòng BCVT to lead
    sign_in(page, live_server.url, "/xu-ly/", "giamdoc.a")
    page.get_by_role("link", name=incoming.summary).click()
    form = page.locator("#chi-dao")
    form.get_by_label("Ý kiến chỉ đạo").fill("Giao Phòng BCVT chủ trì, dự thảo văn bản trả lời.")
    form.get_by_label("Chủ trì").select_option(label="Phòng Bưu chính, Viễn thông")
    form.get_by_label("Hạn xử lý (số ngày làm việc)").fill("5")
    form.get_by_role("button", name="Giao xử lý").click()
    expect(page.get_by_text("Đã cho ý kiến chỉ đạo và giao xử lý.")).to_be_visible()
    lead = Assignment.objects.get(role="lead")

    # the unit head passes it to the specialist
    sign_in(page, live_server.url, "/xu-ly/", "truongphong.a")
    page.get_by_role("link", name=incoming.summary).click()
    item = page.locator(f"#giao-{lead.pk}")
    item.get_by_text("Giao tiếp").first.click()
    item.get_by_label("Giao cho").select_option(label="Võ Thị Chuyên")
    item.get_by_role("button", name="Giao tiếp").click()
    expect(page.get_by_text("Đã giao tiếp.")).to_be_visible()
    child = Assignment.objects.get(parent=lead)

    # the specialist accepts it
    sign_in(page, live_server.url, "/xu-ly/", "chuyenvien.a")
    page.get_by_role("link", name=incoming.summary).click()
    page.locator(f"#giao-{child.pk}").get_by_role("button", name="Tiếp nhận").click()
    expect(page.get_by_text("Đã tiếp nhận xử lý.")).to_be_visible()
    steps = _timeline(page)
    assert [s.split(": ", 1)[1].split("\n")[0] for s in steps] == [
        "Trình Phạm Minh Giám",
        "Cho ý kiến chỉ đạo",
        "Giao Phòng Bưu chính, Viễn thông chủ trì, hạn " + lead.due_date.strftime("%d/%m/%Y"),
        "Giao Võ Thị Chuyên chủ trì, hạn " + lead.due_date.strftime("%d/%m/%Y"),
        "Tiếp nhận xử lý",
    ]
    assert IncomingDocument.objects.get(pk=incoming.pk).status == IncomingStatus.IN_PROGRESS

    def steps_of(page: Page) -> list[str]:
        return [s.split(": ", 1)[1].split("\n")[0] for s in _timeline(page)]

    # the specialist drafts the reply from the assignment
    page.locator(f"#giao-{child.pk}").get_by_role("link", name="Soạn văn bản trả lời").click()
    page.get_by_label("Loại văn bản").select_option(label="Công văn")
    page.get_by_label("Đơn vị soạn thảo").select_option(label="Phòng Bưu chính, Viễn thông (BCVT)")
    page.get_by_label("Trích yếu nội dung").fill("V/v báo cáo tình hình chuyển đổi số")
    page.get_by_label("Người ký", exact=True).select_option(label="Phạm Minh Giám")
    page.get_by_label("Chức vụ người ký").fill("Giám đốc")
    page.get_by_label("Tệp dự thảo").set_input_files(
        {
            "name": "tra-loi.pdf",
            "mimeType": "application/pdf",
            "buffer": make_pdf(1, text="Trả lời"),
        }
    )
    page.get_by_label("Nơi nhận khác").fill("Văn phòng UBND tỉnh")
    page.get_by_role("button", name="Lưu dự thảo").click()
    expect(page.get_by_text("Đã lưu dự thảo.")).to_be_visible()
    draft = DraftReview.objects.get()
    assert draft.answers_id == child.pk
    draft_page = f"/xu-ly/du-thao/{draft.pk}/"
    page.get_by_role("button", name="Trình duyệt").click()
    expect(page.locator("#trang-thai")).to_have_text("Đang trình duyệt")

    # the unit head reviews and approves it
    sign_in(page, live_server.url, draft_page, "truongphong.a")
    page.get_by_label("Ý kiến").fill("Đồng ý, trình Giám đốc.")
    page.get_by_role("button", name="Duyệt").click()
    expect(page.get_by_text("đang chờ Phạm Minh Giám duyệt")).to_be_visible()

    # the leader signs the text with the key on his token, then approves the draft
    outgoing = draft.outgoing
    sign_in(page, live_server.url, f"/van-ban/di/{outgoing.pk}/", "giamdoc.a")
    page.get_by_label("Mã PIN của token").fill(TOKEN_PIN)
    page.get_by_role("button", name="Ký số").click()
    expect(page.get_by_text("Đã ký số văn bản.")).to_be_visible()
    page.goto(live_server.url + draft_page)
    page.get_by_role("button", name="Duyệt").click()
    expect(page.locator("#trang-thai")).to_have_text("Đã duyệt, chờ phát hành")

    # the clerk issues it: number, agency signature
    sign_in(page, live_server.url, f"/van-ban/di/{outgoing.pk}/", "vanthu.a")
    page.get_by_role("button", name="Phát hành").click()
    expect(page.get_by_text("Đã phát hành văn bản số 01/STTTT-BCVT.")).to_be_visible()
    expect(page.locator(".signature--valid")).to_have_count(2)
    outgoing = OutgoingDocument.objects.get(pk=outgoing.pk)
    assert outgoing.status == OutgoingStatus.ISSUED
    assert DraftReview.objects.get().state == DraftState.ISSUED

    # then the incoming document is done, its lead assignment carries the reply, and the
    # timeline tells the whole story in order
    page.goto(live_server.url + detail)
    item = page.locator(f"#giao-{child.pk}")
    expect(item).to_contain_text("Văn bản trả lời: 01/STTTT-BCVT")
    assert Assignment.objects.get(pk=child.pk).reply_id == outgoing.pk
    assert Assignment.objects.get(pk=lead.pk).state == AssignmentState.DONE
    assert IncomingDocument.objects.get(pk=incoming.pk).status == IncomingStatus.DONE
    assert steps_of(page)[:5] == [
        "Trình Phạm Minh Giám",
        "Cho ý kiến chỉ đạo",
        "Giao Phòng Bưu chính, Viễn thông chủ trì, hạn " + lead.due_date.strftime("%d/%m/%Y"),
        "Giao Võ Thị Chuyên chủ trì, hạn " + lead.due_date.strftime("%d/%m/%Y"),
        "Tiếp nhận xử lý",
    ]
    assert steps_of(page)[5:] == [
        "Hoàn thành, trả lời bằng văn bản số 01/STTTT-BCVT",
        "Hoàn thành, trả lời bằng văn bản số 01/STTTT-BCVT",
        "Văn bản đã xử lý xong",
    ]
    # and the draft's own timeline shows each step of drafting, review and issue
    page.goto(live_server.url + draft_page)
    draft_steps = [
        t.split(" · ", 1)[1] for t in page.locator("#dong-thoi-gian li").all_inner_texts()
    ]
    assert draft_steps == [
        "Võ Thị Chuyên tạo dự thảo",
        "Võ Thị Chuyên trình duyệt dự thảo đến Lê Văn Trưởng",
        "Lê Văn Trưởng (Trưởng đơn vị) duyệt dự thảo\nĐồng ý, trình Giám đốc.",
        "Phạm Minh Giám (Lãnh đạo cơ quan) duyệt dự thảo",
        "Trần Thị Văn Thư phát hành văn bản số 01/STTTT-BCVT",
    ]

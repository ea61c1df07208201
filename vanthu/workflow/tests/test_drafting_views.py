"""The drafting pages: lists, the form, the detail page with its actions, versions, routes."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vanthu.registry.models import DocumentFile, DocumentType
from vanthu.registry.tests.factories import pdf_bytes
from vanthu.workflow.choices import DraftState
from vanthu.workflow.models import DraftReview, ReviewRoute, Step
from vanthu.workflow.tests.test_drafting import (
    docx_bytes,
    new_draft,
    submitted,
)

pytestmark = pytest.mark.django_db


def _form(**overrides):
    values = {
        "document_type": DocumentType.objects.get(code="cong-van").pk,
        "purpose": "between_agencies",
        "urgency": "normal",
        "summary": "V/v góp ý dự thảo kế hoạch",
        "recipient_places": "Sở Tài chính",
        "filing_copy": "Lưu: VT",
        "copies": "1",
    }
    values.update(overrides)
    return values


def test_the_notice_link_is_the_detail_page(cast):
    draft = new_draft(cast)
    assert reverse("workflow:draft_detail", args=[draft.pk]) == f"/xu-ly/du-thao/{draft.pk}/"


def test_a_specialist_writes_a_draft_with_a_docx(client, cast):
    client.force_login(cast.specialist)
    page = client.get(reverse("workflow:draft_create"))
    assert page.status_code == 200
    assert "Soạn dự thảo văn bản đi" in page.content.decode()
    response = client.post(
        reverse("workflow:draft_create"),
        {
            **_form(),
            "text_files": SimpleUploadedFile("du-thao.docx", docx_bytes()),
        },
    )
    draft = DraftReview.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("workflow:draft_detail", args=[draft.pk])
    assert draft.drafter_id == cast.specialist.pk
    assert DocumentFile.objects.get(outgoing=draft.outgoing).original_name == "du-thao.docx"


def test_the_form_shows_service_errors(client, cast):
    client.force_login(cast.specialist)
    response = client.post(
        reverse("workflow:draft_create"),
        {**_form(), "text_files": SimpleUploadedFile("anh.txt", b"hello")},
    )
    assert response.status_code == 200
    assert not DraftReview.objects.exists()
    assert "errorlist" in response.content.decode()


def test_an_archivist_may_not_open_the_form(client, cast):
    client.force_login(cast.archivist)
    assert client.get(reverse("workflow:draft_create")).status_code == 403


def test_my_drafts_and_my_reviews(client, cast):
    draft = submitted(cast)
    client.force_login(cast.specialist)
    mine = client.get(reverse("workflow:draft_mine")).content.decode()
    assert draft.outgoing.summary in mine
    assert "Đang trình duyệt" in mine
    client.force_login(cast.unit_head)
    inbox = client.get(reverse("workflow:draft_inbox")).content.decode()
    assert draft.outgoing.summary in inbox
    client.force_login(cast.leader)
    assert (
        draft.outgoing.summary not in client.get(reverse("workflow:draft_inbox")).content.decode()
    )


def test_the_detail_page_shows_only_allowed_buttons(client, cast):
    draft = new_draft(cast)
    url = reverse("workflow:draft_detail", args=[draft.pk])
    client.force_login(cast.specialist)
    page = client.get(url).content.decode()
    assert "Trình duyệt" in page
    assert "Tải lên phiên bản mới" in page
    assert ">Duyệt<" not in page
    client.force_login(cast.unit_head)
    page = client.get(url).content.decode()
    assert "Trình duyệt</button>" not in page
    assert "Tải lên phiên bản mới" not in page
    assert "du-thao.docx" in page
    assert reverse("registry:document_file", args=[DocumentFile.objects.get().pk]) in page


def test_the_whole_review_through_the_pages(client, cast):
    draft = new_draft(cast)
    client.force_login(cast.specialist)
    client.post(reverse("workflow:draft_submit", args=[draft.pk]), {"note": "Kính trình"})
    client.force_login(cast.unit_head)
    response = client.post(reverse("workflow:draft_return", args=[draft.pk]), {"note": ""})
    assert response.status_code == 302
    assert DraftReview.objects.get().state == DraftState.IN_REVIEW  # a return needs a note
    client.post(reverse("workflow:draft_approve", args=[draft.pk]), {"note": ""})
    client.force_login(cast.leader)
    page = client.get(reverse("workflow:draft_detail", args=[draft.pk])).content.decode()
    assert ">Duyệt</button>" in page
    client.post(reverse("workflow:draft_approve", args=[draft.pk]), {"note": "Đồng ý"})
    assert DraftReview.objects.get().state == DraftState.APPROVED
    client.force_login(cast.clerk)
    page = client.get(reverse("workflow:draft_detail", args=[draft.pk])).content.decode()
    assert "Cấp số, ký số và phát hành" in page
    assert reverse("registry:outgoing_detail", args=[draft.outgoing_id]) in page


def test_a_refused_action_shows_the_message(client, cast):
    draft = submitted(cast)
    client.force_login(cast.leader)
    response = client.post(
        reverse("workflow:draft_approve", args=[draft.pk]), {"note": ""}, follow=True
    )
    assert "Dự thảo không chờ bạn duyệt." in response.content.decode()
    assert DraftReview.objects.get().reviewer_id == cast.unit_head.pk


def test_the_leader_is_told_to_sign_first(client, cast, settings):
    settings.SIGNATURES_REQUIRED = "always"
    draft = new_draft(cast, files=[("du-thao.pdf", pdf_bytes())])
    client.force_login(cast.specialist)
    client.post(reverse("workflow:draft_submit", args=[draft.pk]), {"note": ""})
    client.force_login(cast.unit_head)
    client.post(reverse("workflow:draft_approve", args=[draft.pk]), {"note": ""})
    client.force_login(cast.leader)
    page = client.get(reverse("workflow:draft_detail", args=[draft.pk])).content.decode()
    assert "#chu-ky-so" in page
    response = client.post(
        reverse("workflow:draft_approve", args=[draft.pk]), {"note": ""}, follow=True
    )
    assert "Hãy ký số văn bản" in response.content.decode()
    assert DraftReview.objects.get().state == DraftState.IN_REVIEW


def test_a_new_version_upload(client, cast):
    draft = new_draft(cast)
    client.force_login(cast.specialist)
    response = client.post(
        reverse("workflow:draft_version_upload", args=[draft.pk]),
        {"upload": SimpleUploadedFile("du-thao-2.pdf", pdf_bytes())},
    )
    assert response.status_code == 302
    current = DocumentFile.objects.get(is_current=True)
    assert current.original_name == "du-thao-2.pdf"
    assert current.previous_id is not None
    page = client.get(reverse("workflow:draft_detail", args=[draft.pk])).content.decode()
    assert page.index("du-thao-2.pdf") < page.index("du-thao.docx")  # newest first


def test_a_comment_with_htmx_returns_the_timeline(client, cast):
    draft = submitted(cast)
    client.force_login(cast.leader)
    response = client.post(
        reverse("workflow:draft_comment", args=[draft.pk]),
        {"note": "Cần thêm số liệu quý III"},
        headers={"HX-Request": "true", "HX-Target": "dong-thoi-gian"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="dong-thoi-gian"' in body
    assert "Cần thêm số liệu quý III" in body
    assert "<html" not in body
    assert Step.objects.filter(action="draft_comment").count() == 1


def test_an_outsider_gets_404_everywhere(client, cast):
    draft = submitted(cast)
    client.force_login(cast.outsider)
    assert client.get(reverse("workflow:draft_detail", args=[draft.pk])).status_code == 404
    for name in ("draft_submit", "draft_approve", "draft_return", "draft_comment"):
        response = client.post(reverse(f"workflow:{name}", args=[draft.pk]), {"note": "x"})
        assert response.status_code == 404
    response = client.post(
        reverse("workflow:draft_version_upload", args=[draft.pk]),
        {"upload": SimpleUploadedFile("x.pdf", pdf_bytes())},
    )
    assert response.status_code == 404
    assert DraftReview.objects.get().state == DraftState.IN_REVIEW
    assert not Step.objects.filter(action="draft_comment").exists()


def test_the_agency_admin_sets_a_route(client, cast):
    client.force_login(cast.agency_admin)
    page = client.get(reverse("workflow:draft_routes")).content.decode()
    assert "Trưởng đơn vị → Lãnh đạo cơ quan" in page
    cong_van = DocumentType.objects.get(code="cong-van")
    response = client.post(
        reverse("workflow:draft_routes"),
        {"document_type": cong_van.pk, "step_1": "leader", "step_2": "", "step_3": ""},
    )
    assert response.status_code == 302
    assert ReviewRoute.objects.get().steps == ["leader"]
    client.force_login(cast.specialist)
    assert client.get(reverse("workflow:draft_routes")).status_code == 403

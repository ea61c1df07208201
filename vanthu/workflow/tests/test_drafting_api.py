"""The drafting API: the path through it, refusals as structured errors, isolation."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from vanthu.registry.models import DocumentFile, DocumentType
from vanthu.registry.tests.factories import pdf_bytes
from vanthu.workflow.models import DraftReview, ReviewRoute
from vanthu.workflow.tests.test_drafting import (
    docx_bytes,
    state_of,
    submitted,
)

pytestmark = pytest.mark.django_db


def _api(person) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=person)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _url(name: str, *args) -> str:
    return reverse(f"workflow-api:{name}", args=args)


def _body(**overrides):
    values = {
        "document_type": DocumentType.objects.get(code="cong-van").pk,
        "summary": "V/v báo cáo kết quả chuyển đổi số",
        "recipients": [{"place": "Sở Tài chính"}],
    }
    values.update(overrides)
    return values


def test_the_path_through_the_api(cast):
    specialist = _api(cast.specialist)
    created = specialist.post(_url("draft-list"), _body(), format="json")
    assert created.status_code == 201, created.content
    draft = created.json()
    assert draft["state"] == "drafting"
    assert draft["actions"] == ["comment", "submit", "version"]
    uploaded = specialist.post(
        _url("draft-versions", draft["id"]),
        {"upload": SimpleUploadedFile("du-thao.docx", docx_bytes())},
        format="multipart",
    )
    assert uploaded.status_code == 201, uploaded.content
    assert uploaded.json()["original_name"] == "du-thao.docx"
    second = specialist.post(
        _url("draft-versions", draft["id"]),
        {"upload": SimpleUploadedFile("du-thao-2.pdf", pdf_bytes())},
        format="multipart",
    )
    assert second.json()["previous"] == uploaded.json()["id"]
    sent = specialist.post(_url("draft-submit", draft["id"]), {"note": "Kính trình"}, format="json")
    assert sent.status_code == 200
    assert sent.json()["reviewer"] == cast.unit_head.pk
    head = _api(cast.unit_head)
    inbox = head.get(_url("draft-list"), {"box": "review"}).json()["results"]
    assert [d["id"] for d in inbox] == [draft["id"]]
    assert head.post(_url("draft-approve", draft["id"]), {}, format="json").status_code == 200
    leader = _api(cast.leader)
    returned = leader.post(_url("draft-return", draft["id"]), {"note": "Sửa đoạn 2"}, format="json")
    assert returned.json()["state"] == "drafting"
    specialist.post(_url("draft-submit", draft["id"]), {}, format="json")
    head.post(_url("draft-approve", draft["id"]), {}, format="json")
    approved = leader.post(_url("draft-approve", draft["id"]), {"note": "Đồng ý"}, format="json")
    assert approved.json()["state"] == "approved"
    detail = specialist.get(_url("draft-detail", draft["id"])).json()
    assert [v["original_name"] for v in detail["versions"]] == ["du-thao-2.pdf", "du-thao.docx"]
    assert "draft_return" in [s["action"] for s in detail["timeline"]]
    to_issue = _api(cast.clerk).get(_url("draft-list"), {"box": "issue"}).json()["results"]
    assert [d["id"] for d in to_issue] == [draft["id"]]
    comment = _api(cast.clerk).post(
        _url("draft-comment", draft["id"]), {"note": "Đã nhận"}, format="json"
    )
    assert comment.status_code == 201


def test_refusals_are_structured_and_change_nothing(cast):
    draft = submitted(cast)
    before = state_of(draft)
    leader = _api(cast.leader)
    denied = leader.post(_url("draft-approve", draft.pk), {}, format="json")
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "permission_denied"
    wrong_state = _api(cast.specialist).post(_url("draft-submit", draft.pk), {}, format="json")
    assert wrong_state.status_code == 409
    assert wrong_state.json()["error"]["code"] == "invalid_transition"
    no_note = _api(cast.unit_head).post(_url("draft-return", draft.pk), {}, format="json")
    assert no_note.status_code == 400
    blank = _api(cast.unit_head).post(_url("draft-return", draft.pk), {"note": " "}, format="json")
    assert blank.status_code == 400
    bad_file = _api(cast.specialist).post(
        _url("draft-versions", draft.pk),
        {"upload": SimpleUploadedFile("x.pdf", pdf_bytes())},
        format="multipart",
    )
    assert bad_file.status_code == 409
    assert state_of(draft) == before


def test_an_outsider_gets_404(cast):
    draft = submitted(cast)
    before = state_of(draft)
    outsider = _api(cast.outsider)
    assert outsider.get(_url("draft-detail", draft.pk)).status_code == 404
    for name in ("draft-submit", "draft-approve", "draft-return", "draft-comment"):
        assert outsider.post(_url(name, draft.pk), {"note": "x"}, format="json").status_code == 404
    upload = outsider.post(
        _url("draft-versions", draft.pk),
        {"upload": SimpleUploadedFile("x.pdf", pdf_bytes())},
        format="multipart",
    )
    assert upload.status_code == 404
    for box in ("mine", "review", "issue"):
        assert outsider.get(_url("draft-list"), {"box": box}).json()["results"] == []
    assert state_of(draft) == before


def test_an_archivist_may_not_draft(cast):
    response = _api(cast.archivist).post(_url("draft-list"), _body(), format="json")
    assert response.status_code == 403
    assert not DraftReview.objects.exists()


def test_invalid_fields_use_the_api_names(cast):
    response = _api(cast.specialist).post(
        _url("draft-list"), _body(document_type=999999), format="json"
    )
    assert response.status_code == 400
    assert "document_type" in response.json()["error"]["fields"]


def test_review_routes(cast):
    admin = _api(cast.agency_admin)
    cong_van = DocumentType.objects.get(code="cong-van").pk
    response = admin.post(
        _url("review-route-list"),
        {"document_type": cong_van, "steps": ["leader", "unit_head"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["steps"] == ["leader", "unit_head"]
    listed = admin.get(_url("review-route-list")).json()["results"]
    assert [r["document_type"] for r in listed] == [cong_van]
    bad = admin.post(_url("review-route-list"), {"steps": ["clerk"]}, format="json")
    assert bad.status_code == 400
    denied = _api(cast.leader).post(_url("review-route-list"), {"steps": ["leader"]}, format="json")
    assert denied.status_code == 403
    assert _api(cast.outsider_admin).get(_url("review-route-list")).json()["results"] == []
    assert ReviewRoute.objects.count() == 1


def test_the_schema_tags_drafting(cast, client):
    client.force_login(cast.system_admin)
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    tagged = [
        op
        for item in schema["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "Drafting" in op.get("tags", [])
    ]
    assert len(tagged) >= 10
    assert all(op.get("summary") for op in tagged)
    assert DocumentFile.objects.count() == 0

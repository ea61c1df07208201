"""The "Nội dung tệp" panel, its pages and the API, with the isolation matrix of the API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from vanthu.registry import outgoing
from vanthu.registry.models import DocumentFile
from vanthu.registry.tests.test_api_isolation import create_outgoing
from vanthu.texts import api_urls
from vanthu.texts.models import FileText, TextState
from vanthu.texts.tests import samples
from vanthu.texts.tests.test_tasks import PARAGRAPHS, register, run_queued

pytestmark = pytest.mark.django_db

A_STAFF = ("unit_head", "leader", "specialist", "archivist", "agency_admin")
OPENS_A = frozenset({*A_STAFF, "clerk", "system_admin"})
PERSONAS = ("clerk", *A_STAFF, "outsider", "outsider_admin", "system_admin", "anonymous")


@dataclass(frozen=True)
class Targets:
    incoming_id: int
    incoming_file: DocumentFile
    outgoing_id: int
    outgoing_file: DocumentFile


def _targets(cast: Any) -> Targets:
    document = register(cast, [("quyet-dinh.pdf", samples.text_pdf(PARAGRAPHS))])
    draft = create_outgoing(cast)
    outgoing.outgoing_document_files_add(
        actor=cast.actor(cast.clerk),
        document_id=draft.pk,
        files=[("du-thao.docx", samples.docx(PARAGRAPHS))],
    )
    run_queued()
    incoming_file = document.files.get()
    outgoing_file = draft.files.get()
    for stored in (incoming_file, outgoing_file):
        # the OCR'd copy of a scan (its making is tested in test_tasks)
        row = FileText.objects.get(file=stored)
        row.searchable.save("ban-tim-kiem.pdf", ContentFile(samples.text_pdf(["Bản sao"])))
    return Targets(document.pk, incoming_file, draft.pk, outgoing_file)


def _client(cast: Any, persona: str) -> APIClient:
    client = APIClient()
    if persona != "anonymous":
        token, _ = Token.objects.get_or_create(user=getattr(cast, persona))
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@dataclass(frozen=True)
class Row:
    route: str
    method: str
    write: bool
    args: Callable[[Targets], tuple[int, int]]


def _in(t: Targets) -> tuple[int, int]:
    return (t.incoming_id, t.incoming_file.pk)


def _out(t: Targets) -> tuple[int, int]:
    return (t.outgoing_id, t.outgoing_file.pk)


ROWS = (
    Row("incoming-file-text", "get", False, _in),
    Row("incoming-file-text-searchable", "get", False, _in),
    Row("incoming-file-text-extract", "post", True, _in),
    Row("outgoing-file-text", "get", False, _out),
    Row("outgoing-file-text-searchable", "get", False, _out),
    Row("outgoing-file-text-extract", "post", True, _out),
)


def expected(row: Row, persona: str) -> int:
    if persona == "anonymous":
        return 401
    if persona not in OPENS_A:
        return 404
    if not row.write:
        return 200
    return 202 if persona in ("clerk", "system_admin") else 403


def test_matrix_covers_every_route_and_method():
    from vanthu.organizations.tests.test_api_isolation import _routes

    assert _routes(api_urls.urlpatterns) == {(r.route, r.method) for r in ROWS}


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.method}-{r.route}")
def test_api_isolation(cast, row):
    targets = _targets(cast)
    for persona in PERSONAS:
        FileText.objects.update(state=TextState.DONE)
        url = reverse(f"texts-api:{row.route}", args=row.args(targets))
        before = list(FileText.objects.order_by("id").values("id", "state"))
        response = getattr(_client(cast, persona), row.method)(url)
        want = expected(row, persona)
        assert response.status_code == want, (persona, response.status_code)
        if want >= 400:
            assert list(FileText.objects.order_by("id").values("id", "state")) == before
        if want == 200 and row.route.endswith("file-text"):
            body = response.json()
            assert body["state"] == "done"
            assert "Khánh Hòa" in body["text"] or "KHÁNH HÒA" in body["text"]
            assert body["has_searchable_copy"] is True
        if want == 200 and row.route.endswith("searchable"):
            assert response["Content-Type"] == "application/pdf"
            assert b"".join(response.streaming_content).startswith(b"%PDF-")
        if want == 202:
            assert response.json()["state"] == "pending"


def test_a_file_of_another_document_in_the_path_is_404(cast):
    targets = _targets(cast)
    url = reverse(
        "texts-api:incoming-file-text", args=(targets.incoming_id, targets.outgoing_file.pk)
    )
    assert _client(cast, "clerk").get(url).status_code == 404


def test_a_file_never_queued_reads_state_null_and_the_clerk_queues_it(cast):
    targets = _targets(cast)
    FileText.objects.filter(file=targets.incoming_file).delete()
    client = _client(cast, "clerk")
    url = reverse("texts-api:incoming-file-text", args=_in(targets))
    assert client.get(url).json()["state"] is None
    response = client.post(reverse("texts-api:incoming-file-text-extract", args=_in(targets)))
    assert response.status_code == 202
    assert client.get(url).json()["state"] == "pending"


def test_rerun_while_running_is_a_conflict(cast):
    targets = _targets(cast)
    FileText.objects.update(state=TextState.RUNNING)
    response = _client(cast, "clerk").post(
        reverse("texts-api:incoming-file-text-extract", args=_in(targets))
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


# --- Pages ----------------------------------------------------------------------------------


def test_the_document_page_shows_each_file_with_its_text_and_the_copy(client, cast):
    targets = _targets(cast)
    client.force_login(cast.clerk)
    page = client.get(reverse("registry:incoming_detail", args=[targets.incoming_id]))
    html = page.content.decode()
    assert "Nội dung tệp" in html
    assert "Đã trích xuất" in html
    assert reverse("texts:file_text", args=[targets.incoming_file.pk]) in html
    assert reverse("texts:searchable_copy", args=[targets.incoming_file.pk]) in html
    assert "không phải bản gốc" not in html  # the file is not signed
    assert "Bản gốc được lưu nguyên vẹn" in html
    assert "Trích xuất lại" in html
    assert "hx-trigger" not in html.split("Nội dung tệp")[0].rsplit("<section", 1)[-1]

    text = client.get(reverse("texts:file_text", args=[targets.incoming_file.pk]))
    assert "KHÁNH HÒA" in text.content.decode()
    out = client.get(reverse("registry:outgoing_detail", args=[targets.outgoing_id]))
    assert "Nội dung tệp" in out.content.decode()


def test_a_running_ocr_shows_its_page_and_polls(client, cast):
    targets = _targets(cast)
    FileText.objects.filter(file=targets.incoming_file).update(
        state=TextState.RUNNING, method="ocr", pages_total=8, pages_done=3
    )
    client.force_login(cast.specialist)
    html = client.get(reverse("registry:incoming_detail", args=[targets.incoming_id])).content
    text = html.decode()
    assert "Đang nhận dạng chữ: trang 3/8" in text
    assert 'hx-trigger="every 3s"' in text
    assert "Trích xuất lại" not in text  # not a clerk
    panel = client.get(reverse("texts:panel", args=["den", targets.incoming_id]))
    assert "Đang nhận dạng chữ: trang 3/8" in panel.content.decode()
    FileText.objects.filter(file=targets.incoming_file).update(state=TextState.DONE)
    panel = client.get(reverse("texts:panel", args=["den", targets.incoming_id]))
    assert "hx-trigger" not in panel.content.decode()  # done: the polling stops


def test_a_signed_file_says_the_copy_is_not_the_signed_original(client, cast):
    targets = _targets(cast)
    DocumentFile.objects.filter(pk=targets.incoming_file.pk).update(signature_status="valid")
    client.force_login(cast.clerk)
    html = client.get(reverse("registry:incoming_detail", args=[targets.incoming_id])).content
    assert "không phải bản gốc có chữ ký số" in html.decode()


def test_rerun_from_the_page_by_the_clerk_and_refused_to_others(client, cast):
    targets = _targets(cast)
    url = reverse("texts:rerun", args=[targets.incoming_file.pk])
    client.force_login(cast.specialist)
    assert client.post(url).status_code == 403
    assert FileText.objects.get(file=targets.incoming_file).state == TextState.DONE
    client.force_login(cast.clerk)
    response = client.post(url, follow=True)
    assert "Đã xếp lịch trích xuất lại nội dung tệp quyet-dinh.pdf" in response.content.decode()
    assert FileText.objects.get(file=targets.incoming_file).state == TextState.PENDING


def test_another_agency_sees_nothing(client, cast):
    targets = _targets(cast)
    client.force_login(cast.outsider)
    file_id = targets.incoming_file.pk
    for url in (
        reverse("texts:file_text", args=[file_id]),
        reverse("texts:searchable_copy", args=[file_id]),
        reverse("texts:panel", args=["den", targets.incoming_id]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("texts:rerun", args=[file_id])).status_code == 404
    assert FileText.objects.get(file=targets.incoming_file).state == TextState.DONE

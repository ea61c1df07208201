"""The outgoing register through the API: list filters and sorts, files, revocation."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from vanthu.core.models import JournalEntry
from vanthu.registry import outgoing
from vanthu.registry.choices import Purpose, RegisterKind, Urgency
from vanthu.registry.models import DocumentFile, Field, OutgoingDocument
from vanthu.registry.registers import RegisterData, register_create
from vanthu.registry.tests.test_api import api, journal_actions, png_bytes
from vanthu.registry.tests.test_api_isolation import (
    create_outgoing,
    document_type,
    issue_outgoing,
    pdf_bytes,
    register_incoming,
    state,
)

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY_8 = datetime(2026, 11, 23, 8, 0, tzinfo=HCM)
MONDAY_15 = datetime(2026, 11, 23, 15, 0, tzinfo=HCM)
LIST = "registry-api:outgoing-document-list"


def _document(
    cast: Any,
    code: str = "cong-van",
    *,
    issue: date | None = None,
    **values: Any,
) -> OutgoingDocument:
    """Enter (and, given a date, issue) an outgoing document of agency A as its clerk."""
    actor = cast.actor(cast.clerk)
    data: dict[str, Any] = {
        "document_type_id": document_type(code).pk,
        "drafting_unit_id": cast.office_a.pk,
        "summary": "V/v triển khai nền tảng số",
    }
    data.update(values)
    document = outgoing.outgoing_document_create(
        actor=actor,
        data=outgoing.OutgoingData(**data),
        # A place outside the directory: no delivery between agencies is sent on issue, so the
        # clerk records the sending as for a paper or mail dispatch (QĐ 22 Điều 10).
        recipients=[outgoing.RecipientData(place="Ủy ban nhân dân các huyện, thị xã")],
    )
    if issue is not None:
        document = outgoing.outgoing_document_issue(
            actor=actor, document_id=document.pk, document_date=issue
        )
    return document


def _ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [d["id"] for d in response.json()["results"]]


def _walk(client: Any, query: dict[str, Any], size: int = 2) -> list[int]:
    """Return the ids of every page of the list, following `next_cursor`."""
    ids: list[int] = []
    after = ""
    while True:
        page = client.get(reverse(LIST), {**query, "page_size": size, "after": after}).json()
        ids += [d["id"] for d in page["results"]]
        if page["next_cursor"] is None:
            return ids
        after = page["next_cursor"]


# --- The list: the interface's filters and sorts ---------------------------------------------


def test_each_outgoing_filter_of_the_interface_selects_its_documents(cast):
    with time_machine.travel(MONDAY_8, tick=False):
        # given documents of every kind the filters tell apart
        field = Field.objects.create(agency=cast.agency_a, name="Bưu chính")
        invitations = register_create(
            actor=cast.actor(cast.clerk),
            kind=RegisterKind.OUTGOING,
            data=RegisterData(
                name="Sổ Giấy mời", document_type_ids=(document_type("giay-moi").pk,)
            ),
        )
        early = _document(cast, issue=date(2026, 11, 2), urgency=Urgency.URGENT)
        in_field = _document(cast, issue=date(2026, 11, 20), field_id=field.pk)
        invitation = _document(cast, "giay-moi", issue=date(2026, 11, 20))
        draft = _document(cast)
        # a submission to the Provincial People's Committee: its paper copy is due at 14:30
        submission = _document(
            cast, "to-trinh", issue=date(2026, 11, 23), purpose=Purpose.TO_PROVINCIAL_LEADERSHIP
        )
        outgoing.outgoing_document_mark_sent(
            actor=cast.actor(cast.clerk), document_id=submission.pk, sent_at=MONDAY_8
        )
    client = api(cast.leader)
    cases: list[tuple[dict[str, Any], list[int]]] = [
        ({"date_from": "2026-11-20"}, [submission.pk, invitation.pk, in_field.pk]),
        ({"date_from": "2026-11-01", "date_to": "2026-11-19"}, [early.pk]),
        ({"register": invitations.pk}, [invitation.pk]),
        ({"document_type": document_type("giay-moi").pk}, [invitation.pk]),
        ({"field": field.pk}, [in_field.pk]),
        ({"urgency": "urgent"}, [early.pk]),
        ({"status": "draft"}, [draft.pk]),
        ({"q": "nền tảng", "status": "issued", "date_to": "2026-11-02"}, [early.pk]),
    ]
    with time_machine.travel(MONDAY_15, tick=False):
        # when the leader filters the list, then each filter selects its documents, newest first
        for query, expected in cases:
            assert _ids(client.get(reverse(LIST), query)) == expected, query
        # and only the submission's paper copy is overdue
        assert _ids(client.get(reverse(LIST), {"paper_overdue": "true"})) == [submission.pk]
    with time_machine.travel(datetime(2026, 11, 23, 14, 0, tzinfo=HCM), tick=False):
        # before its due time, nothing is
        assert _ids(client.get(reverse(LIST), {"paper_overdue": "true"})) == []
    # once the clerk sent the paper copy, nothing is overdue any more
    with time_machine.travel(MONDAY_15, tick=False):
        outgoing.paper_dispatch_complete(
            actor=cast.actor(cast.clerk), task_id=submission.paper_dispatch.pk
        )
        assert _ids(client.get(reverse(LIST), {"paper_overdue": "true"})) == []


def test_every_sort_of_the_interface_pages_by_keyset_without_repeats(cast):
    with time_machine.travel(MONDAY_8, tick=False):
        # given five issued documents (two of them sent) and two drafts
        issued = [_document(cast, issue=date(2026, 11, 23)) for _ in range(5)]
        drafts = [_document(cast) for _ in range(2)]
        for document in (issued[1], issued[3]):
            outgoing.outgoing_document_mark_sent(
                actor=cast.actor(cast.clerk), document_id=document.pk, sent_at=MONDAY_8
            )
    newest_first = [d.pk for d in reversed([*issued, *drafts])]
    by_number = [d.pk for d in issued]
    client = api(cast.clerk)
    # when the clerk pages through each sort two rows at a time
    # then every document comes once, in the sort's order; drafts have no number
    assert _walk(client, {}) == newest_first
    assert _walk(client, {"sort": "-id"}) == newest_first
    assert _walk(client, {"sort": "number"}) == [*by_number, *[d.pk for d in drafts]]
    assert _walk(client, {"sort": "-number"})[2:] == list(reversed(by_number))
    # sent documents first, the others after them, newest first
    sent = _walk(client, {"sort": "-sent_at"})
    assert sent[:2] == [issued[3].pk, issued[1].pk]
    assert sorted(sent) == sorted(newest_first)


def test_an_unknown_sort_or_a_forged_cursor_is_a_structured_400(cast):
    client = api(cast.clerk)
    unknown = client.get(reverse(LIST), {"sort": "summary"})
    forged = client.get(reverse(LIST), {"after": "pas-un-curseur"})
    assert unknown.status_code == 400
    assert "sort" in unknown.json()["error"]["fields"]
    assert forged.status_code == 400
    assert "after" in forged.json()["error"]["fields"]


def test_the_incoming_list_takes_the_interfaces_sorts(cast):
    # given three registered documents due on different days, one without a due date
    documents = [
        register_incoming(cast, number="1", due_date=date(2027, 1, 20)),
        register_incoming(cast, number="2"),
        register_incoming(cast, number="3", due_date=date(2027, 1, 10)),
    ]
    client = api(cast.clerk)
    url = reverse("registry-api:incoming-document-list")

    def walk(sort: str) -> list[int]:
        ids: list[int] = []
        after = ""
        while True:
            page = client.get(url, {"sort": sort, "page_size": 1, "after": after}).json()
            ids += [d["id"] for d in page["results"]]
            if not page["next_cursor"]:
                return ids
            after = page["next_cursor"]

    # when the clerk pages one document at a time in each sort
    # then the order is the sort's, and documents without a due date come last
    first, second, third = (d.pk for d in documents)
    assert walk("arrival_number") == [first, second, third]
    assert walk("-arrival_number") == [third, second, first]
    assert walk("due_date") == [third, first, second]
    bad = client.get(url, {"sort": "-due_date"})
    assert bad.status_code == 400
    assert "sort" in bad.json()["error"]["fields"]


# --- Files --------------------------------------------------------------------------------------


def test_clerk_attaches_files_to_a_draft_and_downloads_them(cast):
    # given a draft
    draft = create_outgoing(cast)
    text, annex = pdf_bytes(2), pdf_bytes(1)
    client = api(cast.clerk)
    # when the clerk attaches its text and an annex
    url = reverse("registry-api:outgoing-document-files", args=(draft.pk,))
    added = client.post(
        url,
        {"role": "original", "uploads": [SimpleUploadedFile("du-thao.pdf", text)]},
        format="multipart",
    )
    annexed = client.post(
        url,
        {"role": "attachment", "uploads": [SimpleUploadedFile("phu-luc.pdf", annex)]},
        format="multipart",
    )
    # then both are stored byte for byte, journalled, and listed on the document
    assert added.status_code == 201, added.content
    assert annexed.status_code == 201, annexed.content
    [stored] = added.json()
    assert (stored["role"], stored["original_name"]) == ("original", "du-thao.pdf")
    assert stored["sha256"] == hashlib.sha256(text).hexdigest()
    assert stored["page_count"] == 2
    assert annexed.json()[0]["role"] == "attachment"
    assert journal_actions(OutgoingDocument, draft.pk).count("registry.outgoing.files_add") == 2
    detail = client.get(reverse("registry-api:outgoing-document-detail", args=(draft.pk,)))
    assert [f["original_name"] for f in detail.json()["files"]] == ["du-thao.pdf", "phu-luc.pdf"]
    # and anyone of the agency downloads the text as it was stored
    content = api(cast.specialist).get(
        reverse("registry-api:outgoing-document-file-content", args=(draft.pk, stored["id"]))
    )
    assert content.status_code == 200
    assert content["Content-Type"] == "application/pdf"
    assert content["X-Content-Type-Options"] == "nosniff"
    assert content.getvalue() == text


def test_a_bad_file_stores_nothing_and_an_issued_document_takes_no_files(cast):
    draft = create_outgoing(cast)
    issued = issue_outgoing(cast, create_outgoing(cast))
    client = api(cast.clerk)
    before = state()
    # when the clerk uploads a PNG named .pdf, no file at all, or a file to an issued document
    fake = client.post(
        reverse("registry-api:outgoing-document-files", args=(draft.pk,)),
        {"uploads": [SimpleUploadedFile("van-ban.pdf", png_bytes())]},
        format="multipart",
    )
    empty = client.post(
        reverse("registry-api:outgoing-document-files", args=(draft.pk,)),
        {"role": "original"},
        format="multipart",
    )
    late = client.post(
        reverse("registry-api:outgoing-document-files", args=(issued.pk,)),
        {"uploads": [SimpleUploadedFile("van-ban.pdf", pdf_bytes())]},
        format="multipart",
    )
    # then each is refused with a structured error, and nothing was stored
    assert fake.status_code == 400, fake.content
    assert "uploads" in fake.json()["error"]["fields"]
    assert empty.status_code == 400, empty.content
    assert "uploads" in empty.json()["error"]["fields"]
    assert late.status_code == 409, late.content
    assert late.json()["error"]["code"] == "invalid_transition"
    assert state() == before


def test_a_file_is_served_under_its_own_outgoing_document_only(cast):
    # given a draft with a file, another draft, and an incoming document's file
    draft = create_outgoing(cast)
    other = create_outgoing(cast)
    [stored] = outgoing.outgoing_document_files_add(
        actor=cast.actor(cast.clerk), document_id=draft.pk, files=[("a.pdf", pdf_bytes())]
    )
    incoming_file = DocumentFile.objects.get(incoming=register_incoming(cast))
    client = api(cast.clerk)

    def get(document_id: int, file_id: int) -> Any:
        url = reverse("registry-api:outgoing-document-file-content", args=(document_id, file_id))
        return client.get(url)

    # then the file is not found under another document, nor an incoming file here,
    # nor by someone of another agency
    assert get(other.pk, stored.pk).status_code == 404
    assert get(draft.pk, incoming_file.pk).status_code == 404
    stranger = api(cast.outsider).get(
        reverse("registry-api:outgoing-document-file-content", args=(draft.pk, stored.pk))
    )
    assert stranger.status_code == 404
    assert stranger.json()["error"]["code"] == "not_found"
    assert get(draft.pk, stored.pk).status_code == 200


# --- Revocation ---------------------------------------------------------------------------------


def test_clerk_revokes_an_issued_document_and_its_number_is_never_reused(cast):
    # given an issued document, number 01
    document = issue_outgoing(cast, create_outgoing(cast))
    client = api(cast.clerk)
    # when the clerk revokes it with a reason
    response = client.post(
        reverse("registry-api:outgoing-document-revoke", args=(document.pk,)),
        {"reason": "Gửi nhầm nơi nhận"},
        format="json",
    )
    # then it is revoked by the clerk, keeps its number, and the change is journalled
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "revoked"
    assert data["revocation_reason"] == "Gửi nhầm nơi nhận"
    assert data["revoked_by"] == cast.clerk.pk
    assert data["revoked_at"].endswith("+07:00")
    assert data["number_notation"] == "01/STTTT-VP"
    assert journal_actions(OutgoingDocument, document.pk)[-1] == "registry.outgoing.revoke"
    # and the next document issued takes number 02, not the revoked one's
    following = issue_outgoing(cast, create_outgoing(cast))
    assert following.number_notation == "02/STTTT-VP"


@pytest.mark.parametrize(
    ("target", "body", "status", "code"),
    [
        ("draft", {"reason": "Không dùng nữa"}, 409, "invalid_transition"),
        ("revoked", {"reason": "Thu hồi lần nữa"}, 409, "invalid_transition"),
        ("issued", {"reason": ""}, 400, "invalid"),
        ("issued", {}, 400, "invalid"),
        ("issued", {"reason": "x" * 501}, 400, "invalid"),
    ],
    ids=["draft", "twice", "empty-reason", "no-reason", "reason-too-long"],
)
def test_revocation_is_refused_with_nothing_changed(cast, target, body, status, code):
    documents = {
        "draft": create_outgoing(cast),
        "issued": issue_outgoing(cast, create_outgoing(cast)),
    }
    revoked = issue_outgoing(cast, create_outgoing(cast))
    outgoing.outgoing_document_revoke(
        actor=cast.actor(cast.clerk), document_id=revoked.pk, reason="Sai trích yếu"
    )
    documents["revoked"] = revoked
    before = state()
    response = api(cast.clerk).post(
        reverse("registry-api:outgoing-document-revoke", args=(documents[target].pk,)),
        body,
        format="json",
    )
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    if status == 400:
        assert "reason" in response.json()["error"]["fields"]
    assert state() == before


@pytest.mark.parametrize("persona", ["leader", "specialist", "archivist"])
def test_only_the_clerk_revokes(cast, persona):
    document = issue_outgoing(cast, create_outgoing(cast))
    before = state()
    response = api(getattr(cast, persona)).post(
        reverse("registry-api:outgoing-document-revoke", args=(document.pk,)),
        {"reason": "Gửi nhầm"},
        format="json",
    )
    assert response.status_code == 403
    assert state() == before
    assert JournalEntry.objects.filter(action="registry.outgoing.revoke").count() == 0

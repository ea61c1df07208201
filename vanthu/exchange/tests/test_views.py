"""The exchange pages (/lien-thong/): the queue, a document that arrived, the clerk's decisions,
the sender's panel on the outgoing page and the clerk's dashboard card."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from vanthu.core.models import JournalEntry
from vanthu.exchange import services as x
from vanthu.exchange import views
from vanthu.exchange.choices import ChangeState, ReceptionState, StatusCode
from vanthu.exchange.models import ChangeRequest, Delivery, Reception, StatusEvent
from vanthu.exchange.tasks import reception_files_check_run
from vanthu.exchange.tests.scenarios import issue, pdf_bytes, reception_of, revoke
from vanthu.registry import incoming
from vanthu.registry.choices import IncomingStatus, IntakeChannel
from vanthu.registry.models import DocumentFile, DocumentType, IncomingDocument
from vanthu.registry.outgoing import OutgoingData, RecipientData, outgoing_document_create

pytestmark = pytest.mark.django_db

QUEUE = "/lien-thong/den/"


def _text(response) -> str:
    return response.content.decode()


def _state() -> dict[str, Any]:
    return {
        "journal": JournalEntry.objects.count(),
        **{
            model.__name__: list(model.objects.order_by("pk").values())
            for model in (Reception, ChangeRequest, Delivery, StatusEvent, IncomingDocument)
        },
    }


def _receive_post(reception: Reception, **overrides: Any) -> dict[str, Any]:
    """Return the receive form as the page prefills it, with `overrides`."""
    data = x.reception_data(reception)
    values: dict[str, Any] = {
        "number": data.number,
        "notation": data.notation,
        "document_date": f"{data.document_date:%d/%m/%Y}",
        "document_type": data.document_type_id,
        "summary": data.summary,
        "signer_name": data.signer_name,
        "signer_position": data.signer_position,
        "urgency": data.urgency,
        "page_count": data.page_count or "",
    }
    values.update(overrides)
    return values


def test_the_paths_are_the_ones_notices_link_to():
    assert reverse("exchange:reception_list") == QUEUE
    assert reverse("exchange:reception_detail", args=[7]) == x.reception_link(7)


def test_the_queue_shows_awaiting_first_flags_urgent_ones_and_filters_by_state(client, cast):
    # given three documents from agency A: one received already, one urgent, one normal
    received = reception_of(issue(cast, summary="V/v số liệu đã nhận trước"))
    x.reception_receive(actor=cast.actor(cast.outsider), reception_id=received.pk)
    issue(cast, summary="V/v họp khẩn về ngân sách", urgency="urgent")
    issue(cast, summary="V/v báo cáo thường kỳ")
    # when B's clerk opens the queue
    client.force_login(cast.outsider)
    html = _text(client.get(QUEUE))
    # then the awaiting documents come first, the urgent one flagged, the received one last
    assert "Văn bản liên thông chờ tiếp nhận" in html
    positions = [
        html.index(s)
        for s in ("V/v báo cáo thường kỳ", "V/v họp khẩn về ngân sách", "V/v số liệu đã nhận")
    ]
    assert positions == sorted(positions)
    urgent_row = html[html.index("V/v họp khẩn") : html.index("</tr>", html.index("V/v họp khẩn"))]
    assert "Khẩn" in urgent_row
    assert f"Số đến {IncomingDocument.objects.get().arrival_number}/" in html
    # when filtering by state, then only those are listed
    filtered = _text(client.get(QUEUE, {"trang_thai": "received"}))
    assert "V/v số liệu đã nhận trước" in filtered
    assert "V/v báo cáo thường kỳ" not in filtered


def test_the_queue_pages_after_the_last_row(client, cast, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for index in range(3):
        issue(cast, summary=f"V/v văn bản thứ {index}")
    client.force_login(cast.outsider)
    first = client.get(QUEUE)
    page = first.context["page"]
    assert len(page.items) == 2
    assert page.next_cursor
    second = client.get(QUEUE, {"sau": page.next_cursor})
    assert [r.pk for r in second.context["page"].items] == [Reception.objects.order_by("id")[0].pk]
    # a broken cursor shows the first page again
    assert client.get(QUEUE, {"sau": "hỏng"}).status_code == 200


def test_the_queue_is_the_acting_agency_s_only(client, cast):
    issue(cast, summary="V/v gửi Sở Tài chính")
    client.force_login(cast.clerk)
    html = _text(client.get(QUEUE))
    assert "V/v gửi Sở Tài chính" not in html


def test_the_detail_shows_the_sender_s_metadata_files_and_the_signature_check(client, cast):
    # given a document from A waiting for B, its signatures not checked yet
    document = issue(cast, urgency="very_urgent")
    reception = reception_of(document)
    stored = reception.files.get()
    client.force_login(cast.outsider)
    html = _text(client.get(x.reception_link(reception.pk)))
    # then the page shows the sender, number, summary, the file inline and the pending check
    assert cast.agency_a.name in html
    assert cast.agency_a.identifier in html
    assert document.number_notation in html
    assert document.summary in html
    assert "Thượng khẩn" in html
    assert f'src="/lien-thong/den/{reception.pk}/tep/{stored.pk}/"' in html
    assert "Đang kiểm tra chữ ký số" in html
    # and the receive form is filled from the sender's metadata
    form = client.get(x.reception_link(reception.pk)).context["receive_form"]
    assert form["summary"].value() == document.summary
    assert form["notation"].value() == document.notation
    assert "Tiếp nhận vào sổ" in html
    assert "Trả lại" in html
    # when the background check has run, then its verdict is in plain Vietnamese
    reception_files_check_run(reception.pk)
    html = _text(client.get(x.reception_link(reception.pk)))
    assert "Đang kiểm tra chữ ký số" not in html
    assert "Không có chữ ký số" in html


def test_a_file_is_served_byte_for_byte_inline_or_as_a_download(client, cast):
    content = pdf_bytes(1)
    reception = reception_of(issue(cast, files=[("Công văn số liệu.pdf", content)]))
    stored = reception.files.get()
    path = f"/lien-thong/den/{reception.pk}/tep/{stored.pk}/"
    client.force_login(cast.outsider)
    response = client.get(path)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == stored.sha256
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"
    download = client.get(path, {"tai": "1"})
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" in disposition  # the Vietnamese name, safely encoded
    assert "\n" not in disposition
    assert '"Công' not in disposition
    # a file of another reception, or of a reception one may not see, is not found
    other = reception_of(issue(cast))
    assert client.get(f"/lien-thong/den/{other.pk}/tep/{stored.pk}/").status_code == 404
    client.force_login(cast.clerk)
    assert client.get(path).status_code == 404


def test_receiving_with_a_correction_goes_to_the_new_incoming_document(client, cast):
    # given a document awaiting B's clerk
    document = issue(cast)
    reception = reception_of(document)
    client.force_login(cast.outsider)
    # when the clerk corrects the summary and receives it
    response = client.post(
        f"/lien-thong/den/{reception.pk}/tiep-nhan/",
        _receive_post(reception, summary="V/v cung cấp số liệu chuyển đổi số (đã sửa)"),
    )
    # then they land on the new incoming document with its arrival number
    received = IncomingDocument.objects.get(agency=cast.agency_b)
    assert response.status_code == 302
    assert response["Location"] == f"/van-ban/den/{received.pk}/"
    page = _text(client.get(response["Location"]))
    assert f"Đã tiếp nhận vào sổ văn bản đến số {received.arrival_number}/" in page
    assert received.summary == "V/v cung cấp số liệu chuyển đổi số (đã sửa)"
    assert (received.sender_agency_id, received.channel) == (cast.agency_a.pk, "exchange")
    assert received.notation == document.notation
    assert DocumentFile.objects.get(incoming=received).sha256 == reception.files.get().sha256
    # and the sender sees 03 with the number
    delivery = Delivery.objects.get()
    assert delivery.status_code == StatusCode.REGISTERED
    assert delivery.status_description == f"Số đến {received.arrival_number}"
    # and the reception page now links to it, without the forms
    html = _text(client.get(x.reception_link(reception.pk)))
    assert f'href="/van-ban/den/{received.pk}/"' in html
    assert 'id="tiep-nhan"' not in html


def test_an_invalid_receive_form_shows_vietnamese_errors_and_changes_nothing(client, cast):
    reception = reception_of(issue(cast))
    client.force_login(cast.outsider)
    before = _state()
    # a missing summary: the form's error
    response = client.post(
        f"/lien-thong/den/{reception.pk}/tiep-nhan/", _receive_post(reception, summary="")
    )
    assert response.status_code == 200
    assert response.context["receive_form"].errors["summary"]
    # a document date in the future: the service's error, on its field
    tomorrow = timezone.localdate() + timedelta(days=2)
    response = client.post(
        f"/lien-thong/den/{reception.pk}/tiep-nhan/",
        _receive_post(reception, document_date=f"{tomorrow:%d/%m/%Y}"),
    )
    assert response.status_code == 200
    assert "ở tương lai" in response.context["receive_form"].errors["document_date"][0]
    assert _state() == before


def test_a_possible_duplicate_is_received_only_once_confirmed(client, cast):
    # given the same document already registered by hand at B (it came by mail too)
    document = issue(cast)
    reception = reception_of(document)
    data = x.reception_data(reception)
    incoming.incoming_document_register(
        actor=cast.actor(cast.outsider),
        data=data,
        files=[("thu-dien-tu.pdf", pdf_bytes())],
        channel=IntakeChannel.ELECTRONIC,
    )
    client.force_login(cast.outsider)
    before = _state()
    # when the clerk receives it, then the page warns and asks for a confirmation
    url = f"/lien-thong/den/{reception.pk}/tiep-nhan/"
    response = client.post(url, _receive_post(reception))
    html = _text(response)
    assert response.status_code == 200
    assert "Có thể trùng văn bản đã vào sổ" in html
    assert 'name="confirm_duplicate"' in html
    assert _state() == before
    # when they confirm, then it is received as a second document
    response = client.post(url, _receive_post(reception, confirm_duplicate="on"))
    assert response.status_code == 302
    assert IncomingDocument.objects.filter(agency=cast.agency_b).count() == 2
    reception.refresh_from_db()
    assert reception.state == ReceptionState.RECEIVED


def test_receiving_twice_says_it_was_decided_already(client, cast):
    reception = reception_of(issue(cast))
    client.force_login(cast.outsider)
    url = f"/lien-thong/den/{reception.pk}/tiep-nhan/"
    client.post(url, _receive_post(reception))
    response = client.post(url, _receive_post(reception), follow=True)
    assert response.status_code == 200
    assert "Văn bản đã được xử lý (đã tiếp nhận vào sổ)." in _text(response)
    assert IncomingDocument.objects.filter(agency=cast.agency_b).count() == 1


def test_returning_needs_a_reason_and_tells_the_sender(client, cast):
    reception = reception_of(issue(cast))
    client.force_login(cast.outsider)
    url = f"/lien-thong/den/{reception.pk}/tra-lai/"
    before = _state()
    # without a reason: an error on the field, nothing changed
    response = client.post(url, {"reason": "   "})
    assert response.status_code == 200
    assert response.context["return_form"].errors["reason"]
    assert _state() == before
    # with one: returned, the sender sees 02 with the reason
    response = client.post(url, {"reason": "Gửi nhầm cơ quan."}, follow=True)
    assert "Đã trả lại văn bản cho nơi gửi." in _text(response)
    assert "Lý do: Gửi nhầm cơ quan." in _text(response)
    reception.refresh_from_db()
    assert reception.state == ReceptionState.RETURNED
    delivery = Delivery.objects.get()
    assert (delivery.status_code, delivery.status_description) == (
        StatusCode.RETURNED,
        "Gửi nhầm cơ quan.",
    )


def test_a_take_back_is_refused_with_a_note_or_accepted(client, cast):
    # given two received documents A revokes
    first, second = issue(cast, summary="V/v thứ nhất"), issue(cast, summary="V/v thứ hai")
    b = cast.actor(cast.outsider)
    for document in (first, second):
        x.reception_receive(actor=b, reception_id=reception_of(document).pk)
        revoke(cast, document)
    refused, accepted = (
        ChangeRequest.objects.get(reception=reception_of(d)) for d in (first, second)
    )
    client.force_login(cast.outsider)
    # then the page shows the request with both buttons
    html = _text(client.get(x.reception_link(refused.reception_id)))
    assert "Sai số liệu phụ lục." in html
    assert "Đồng ý lấy lại" in html
    assert "Từ chối" in html
    # when refusing without a note: an error, nothing changed
    url = f"/lien-thong/yeu-cau/{refused.pk}/quyet-dinh/"
    prefix = f"yc{refused.pk}"
    before = _state()
    response = client.post(url, {f"{prefix}-decision": "tu_choi", f"{prefix}-note": ""})
    assert response.status_code == 200
    assert "Cần ghi lý do từ chối." in _text(response)
    assert _state() == before
    # with a note: refused, the sender sees 16
    response = client.post(
        url, {f"{prefix}-decision": "tu_choi", f"{prefix}-note": "Đã triển khai thực hiện."}
    )
    assert response.status_code == 302
    refused.refresh_from_db()
    assert refused.state == ChangeState.REFUSED
    assert Delivery.objects.get(outgoing=first).status_code == StatusCode.CHANGE_REFUSED
    # when accepting the other: the incoming document leaves use and the sender sees 15
    prefix = f"yc{accepted.pk}"
    response = client.post(
        f"/lien-thong/yeu-cau/{accepted.pk}/quyet-dinh/", {f"{prefix}-decision": "dong_y"}
    )
    assert response.status_code == 302
    reception = reception_of(second)
    assert reception.state == ReceptionState.REVOKED
    assert reception.incoming is not None
    assert reception.incoming.status == IncomingStatus.REVOKED
    assert Delivery.objects.get(outgoing=second).status_code == StatusCode.CHANGE_ACCEPTED


@pytest.mark.parametrize("persona", ["clerk", "leader", "agency_admin"])
def test_another_agency_gets_not_found_and_nothing_changes(client, cast, persona):
    reception = reception_of(issue(cast))
    revoke(cast, reception.delivery.outgoing)
    change = ChangeRequest.objects.get()
    stored = reception.files.get()
    client.force_login(getattr(cast, persona))
    before = _state()
    base = f"/lien-thong/den/{reception.pk}/"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}tep/{stored.pk}/").status_code == 404
    assert client.post(f"{base}tiep-nhan/", _receive_post(reception)).status_code == 404
    assert client.post(f"{base}tra-lai/", {"reason": "Không"}).status_code == 404
    decide = f"/lien-thong/yeu-cau/{change.pk}/quyet-dinh/"
    assert client.post(decide, {f"yc{change.pk}-decision": "dong_y"}).status_code == 404
    assert _state() == before


def test_the_recipient_s_other_people_read_but_do_not_act(client, cast):
    reception = reception_of(issue(cast))
    client.force_login(cast.outsider_admin)
    before = _state()
    html = _text(client.get(x.reception_link(reception.pk)))
    assert 'id="tiep-nhan"' not in html
    assert client.post(f"{x.reception_link(reception.pk)}tiep-nhan/").status_code == 403
    response = client.post(f"{x.reception_link(reception.pk)}tra-lai/", {"reason": "Không"})
    assert response.status_code == 403
    assert _state() == before


# --- The sender's panel, the dashboard card, the navigation ---------------------------------


def _panel(html: str) -> str:
    start = html.index('id="lien-thong"')
    return html[start : html.index("</section>", start)]


def test_the_outgoing_page_shows_each_recipient_s_status_and_history(client, cast):
    # given a document A issued to B, which B received
    document = issue(cast)
    client.force_login(cast.clerk)
    page = f"/van-ban/di/{document.pk}/"
    panel = _panel(_text(client.get(page)))
    assert "Sở Tài chính" in panel
    assert "Đã đến" in panel
    assert "Trong cùng hệ thống" in panel
    assert "Đã gửi thành công" in panel
    incoming_document = x.reception_receive(
        actor=cast.actor(cast.outsider), reception_id=reception_of(document).pk
    )
    # when A's clerk opens the outgoing page
    panel = _panel(_text(client.get(page)))
    # then the line reads "Sở Tài chính — Đã tiếp nhận, vào sổ (Số đến N) — time"
    delivery = Delivery.objects.get()
    at = timezone.localtime(delivery.status_at)
    number = incoming_document.arrival_number
    assert f"Đã tiếp nhận, vào sổ (Số đến {number})</span> — <time" in panel
    assert f"{at:%H:%M %d/%m/%Y}" in panel
    # and the history lists 01 then 03
    assert panel.index("01</span> Đã đến") < panel.index("03</span> Đã tiếp nhận, vào sổ")
    # and A's other people see it too
    client.force_login(cast.specialist)
    assert "Đã tiếp nhận, vào sổ" in _panel(_text(client.get(page)))


def test_a_returned_document_shows_the_refusal_and_the_reason(client, cast):
    document = issue(cast)
    x.reception_return(
        actor=cast.actor(cast.outsider),
        reception_id=reception_of(document).pk,
        reason="Không thuộc thẩm quyền.",
    )
    client.force_login(cast.clerk)
    panel = _panel(_text(client.get(f"/van-ban/di/{document.pk}/")))
    assert "Từ chối tiếp nhận (Không thuộc thẩm quyền.)" in panel


def test_no_panel_before_a_document_is_issued(client, cast):
    draft = outgoing_document_create(
        actor=cast.actor(cast.clerk),
        data=OutgoingData(
            document_type_id=DocumentType.objects.get(code="cong-van").pk, summary="V/v nháp"
        ),
        recipients=[RecipientData(agency_id=cast.agency_b.pk)],
    )
    client.force_login(cast.clerk)
    assert 'id="lien-thong"' not in _text(client.get(f"/van-ban/di/{draft.pk}/"))


def _card(html: str) -> str:
    start = html.index('id="lien-thong-cho"')
    return html[start : html.index("</section>", start)]


def test_the_dashboard_card_counts_what_waits_for_the_clerk(client, cast):
    first = issue(cast)
    issue(cast)
    client.force_login(cast.outsider)
    card = _card(_text(client.get(reverse("dashboard"))))
    assert "Chờ tiếp nhận</a></dt><dd>2</dd>" in card
    assert "Nơi gửi yêu cầu lấy lại</a></dt><dd>0</dd>" in card
    assert f'href="{QUEUE}"' in card
    # when A asks to take one back, then the card counts the request
    revoke(cast, first)
    card = _card(_text(client.get(reverse("dashboard"))))
    assert "Nơi gửi yêu cầu lấy lại</a></dt><dd>1</dd>" in card
    assert f"{QUEUE}?yeu_cau=on" in card
    listed = _text(client.get(QUEUE, {"yeu_cau": "on"}))
    assert listed.count("Nơi gửi yêu cầu lấy lại</span>") == 1


@pytest.mark.parametrize("persona", ["leader", "specialist", "system_admin"])
def test_no_card_for_who_is_not_a_clerk_of_the_acting_agency(client, cast, persona):
    issue(cast)
    client.force_login(getattr(cast, persona))
    assert 'id="lien-thong-cho"' not in _text(client.get(reverse("dashboard")))


def test_the_navigation_has_the_exchange_entry_for_staff(client, cast):
    client.force_login(cast.specialist)
    html = _text(client.get(reverse("dashboard")))
    assert f'<a href="{QUEUE}">Liên thông</a>' in html
    client.force_login(cast.outsider)
    html = _text(client.get(QUEUE))
    assert f'<a href="{QUEUE}" aria-current="page">Liên thông</a>' in html

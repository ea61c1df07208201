"""The inbox pages, the nav badge and the inbox API, for every persona: nobody reads another's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from vanthu.workflow import views_inbox
from vanthu.workflow.choices import NotificationKind
from vanthu.workflow.models import Notification

pytestmark = pytest.mark.django_db

OTHERS = (
    "clerk",
    "unit_head",
    "leader",
    "archivist",
    "agency_admin",
    "system_admin",
    "outsider",
    "outsider_admin",
)
API = "/api/v1/notifications/"


def _notice(person, title="Chủ trì: V/v chuyển đổi số", **fields) -> Notification:
    values = {
        "person": person,
        "agency": person.agency,
        "kind": NotificationKind.ASSIGNED,
        "title": title,
        "link": "/van-ban/den/7/",
    }
    values.update(fields)
    return Notification.objects.create(**values)


def _text(response) -> str:
    return response.content.decode()


def _api(person) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=person)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


# --- Pages --------------------------------------------------------------------------------


def test_the_inbox_lists_ones_own_notices_unread_first(client, cast):
    read = _notice(cast.specialist, "Đã xem: V/v họp giao ban", read_at=timezone.now())
    unread = _notice(cast.specialist, "Phối hợp: V/v kế hoạch năm 2027", is_urgent=True)
    _notice(cast.unit_head, "Của trưởng phòng: V/v thi đua")
    client.force_login(cast.specialist)
    page = _text(client.get(reverse("workflow:inbox")))
    assert '<html lang="vi"' in page
    assert page.index(unread.title) < page.index(read.title)
    assert "Của trưởng phòng" not in page
    assert "1 thông báo chưa đọc." in page
    assert "Khẩn" in page
    assert reverse("workflow:inbox_open", args=[unread.pk]) in page
    assert reverse("workflow:inbox_read", args=[unread.pk]) in page
    assert reverse("workflow:inbox_read", args=[read.pk]) not in page
    # the unread filter
    only = _text(client.get(reverse("workflow:inbox") + "?chua-doc=1"))
    assert unread.title in only
    assert read.title not in only


def test_the_inbox_pages_through_many_notices(client, cast, monkeypatch):
    monkeypatch.setattr(views_inbox, "PAGE_SIZE", 2)
    notices = [_notice(cast.specialist, f"Thông báo số {n}") for n in range(5)]
    client.force_login(cast.specialist)
    first = client.get(reverse("workflow:inbox"))
    assert [n.title in _text(first) for n in reversed(notices)] == [True, True, False, False, False]
    cursor = first.context["page"].next_cursor
    # htmx asks for the next page of the list alone
    second = client.get(
        reverse("workflow:inbox") + f"?sau={cursor}",
        headers={"HX-Request": "true", "HX-Target": "thong-bao"},
    )
    assert "<html" not in _text(second)
    assert notices[2].title in _text(second)
    assert notices[4].title not in _text(second)


def test_anonymous_visitors_are_sent_to_sign_in(client, cast):
    notice = _notice(cast.specialist)
    for url in (
        reverse("workflow:inbox"),
        reverse("workflow:inbox_open", args=[notice.pk]),
        reverse("workflow:inbox_badge"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/dang-nhap/" in response["Location"], url
    assert client.post(reverse("workflow:inbox_read", args=[notice.pk])).status_code == 302
    assert client.post(reverse("workflow:inbox_read_all")).status_code == 302
    assert APIClient().get(API).status_code == 401
    assert Notification.objects.get(pk=notice.pk).read_at is None


def test_opening_a_notice_marks_it_read_and_goes_to_its_subject(client, cast):
    notice = _notice(cast.specialist)
    client.force_login(cast.specialist)
    response = client.get(reverse("workflow:inbox_open", args=[notice.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/van-ban/den/7/"
    assert Notification.objects.get(pk=notice.pk).read_at is not None


@pytest.mark.parametrize("link", ["", "https://lua-dao.example/dang-nhap/", "//lua-dao.example/"])
def test_a_notice_without_a_local_link_opens_the_inbox(client, cast, link):
    notice = _notice(cast.specialist, link=link)
    client.force_login(cast.specialist)
    response = client.get(reverse("workflow:inbox_open", args=[notice.pk]))
    assert response["Location"] == reverse("workflow:inbox")


def test_marking_one_read_with_htmx_returns_its_row_and_the_new_count(client, cast):
    first = _notice(cast.specialist)
    _notice(cast.specialist, "Thông báo thứ hai")
    client.force_login(cast.specialist)
    response = client.post(
        reverse("workflow:inbox_read", args=[first.pk]), headers={"HX-Request": "true"}
    )
    body = _text(response)
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<tr id="thong-bao-{first.pk}">')
    assert "Đã đọc" in body
    # the badge and the count, swapped out of band from inside a template element
    assert 'id="hop-thu"' in body
    assert 'hx-swap-oob="true"' in body
    assert 'data-unread="1"' in body
    assert "1 thông báo chưa đọc." in body
    assert Notification.objects.get(pk=first.pk).read_at is not None


def test_marking_read_without_javascript_returns_to_the_inbox(client, cast):
    notice = _notice(cast.specialist)
    client.force_login(cast.specialist)
    response = client.post(reverse("workflow:inbox_read", args=[notice.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("workflow:inbox")
    assert Notification.objects.get(pk=notice.pk).read_at is not None
    # reading is a POST: a link cannot do it
    assert client.get(reverse("workflow:inbox_read", args=[notice.pk])).status_code == 405


def test_marking_all_read_touches_only_ones_own(client, cast):
    mine = [_notice(cast.specialist), _notice(cast.specialist)]
    theirs = _notice(cast.unit_head)
    client.force_login(cast.specialist)
    response = client.post(
        reverse("workflow:inbox_read_all"), headers={"HX-Request": "true", "HX-Target": "thong-bao"}
    )
    body = _text(response)
    assert "Đã đánh dấu 2 thông báo là đã đọc." in body
    assert "Không có thông báo chưa đọc." in body
    assert 'id="hop-thu"' in body
    assert "data-unread" not in body
    assert Notification.objects.filter(pk__in=[n.pk for n in mine], read_at=None).count() == 0
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    # without javascript: back to the inbox with a message
    _notice(cast.specialist)
    response = client.post(reverse("workflow:inbox_read_all"), follow=True)
    assert "Đã đánh dấu 1 thông báo là đã đọc." in _text(response)


@pytest.mark.parametrize("persona", OTHERS)
def test_nobody_opens_or_marks_another_persons_notice(client, cast, persona):
    notice = _notice(cast.specialist, "Riêng của chuyên viên: V/v bí mật")
    person = getattr(cast, persona)
    client.force_login(person)
    # pages: not found, never listed
    assert client.get(reverse("workflow:inbox_open", args=[notice.pk])).status_code == 404
    assert client.post(reverse("workflow:inbox_read", args=[notice.pk])).status_code == 404
    assert "Riêng của chuyên viên" not in _text(client.get(reverse("workflow:inbox")))
    client.post(reverse("workflow:inbox_read_all"))
    # API: not found, never listed, not counted
    api = _api(person)
    assert api.get(f"{API}{notice.pk}/").status_code == 404
    response = api.post(f"{API}{notice.pk}/read/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert "bí mật" not in response.content.decode()
    assert api.get(API).json()["results"] == []
    assert api.get(f"{API}unread-count/").json() == {"unread": 0}
    assert api.post(f"{API}read-all/").json() == {"marked": 0}
    # and the notice is still unread
    assert Notification.objects.get(pk=notice.pk).read_at is None


# --- The navigation badge -----------------------------------------------------------------


def test_the_badge_tag_shows_the_unread_count(cast):
    _notice(cast.specialist)
    _notice(cast.specialist)
    _notice(cast.specialist, read_at=timezone.now())
    request = RequestFactory().get("/")
    request.user = cast.specialist
    request.actor = cast.actor(cast.specialist)
    html = Template("{% load workflow_inbox %}{% unread_count %}").render(
        Context({"request": request})
    )
    assert 'href="/xu-ly/thong-bao/"' in html
    assert 'data-unread="2"' in html
    assert "chưa đọc" in html
    # a person with nothing unread sees the link without a number
    request.actor = cast.actor(cast.leader)
    request._vanthu_unread = None
    html = Template("{% load workflow_inbox %}{% unread_count %}").render(
        Context({"request": request})
    )
    assert "Thông báo" in html
    assert "data-unread" not in html


def test_the_badge_tag_renders_nothing_for_anonymous_visitors(cast):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    html = Template("{% load workflow_inbox %}{% unread_count %}").render(
        Context({"request": request})
    )
    assert html.strip() == ""


def test_the_badge_refreshes_itself(client, cast):
    _notice(cast.specialist)
    client.force_login(cast.specialist)
    body = _text(client.get(reverse("workflow:inbox_badge")))
    assert 'data-unread="1"' in body
    assert 'hx-trigger="every 120s"' in body


# --- API ----------------------------------------------------------------------------------


def test_the_api_pages_the_inbox_unread_first(cast):
    now = timezone.now()
    old_read = _notice(cast.specialist, "Cũ, đã đọc", read_at=now - timedelta(hours=1))
    unread = [_notice(cast.specialist, f"Chưa đọc {n}") for n in range(3)]
    _notice(cast.unit_head, "Của người khác")
    api = _api(cast.specialist)
    first = api.get(API, {"page_size": 2}).json()
    assert [r["title"] for r in first["results"]] == ["Chưa đọc 2", "Chưa đọc 1"]
    assert first["next_cursor"]
    second = api.get(API, {"page_size": 2, "after": first["next_cursor"]}).json()
    assert [r["title"] for r in second["results"]] == ["Chưa đọc 0", old_read.title]
    assert second["next_cursor"] is None
    item = second["results"][0]
    assert item["id"] == unread[0].pk
    assert item["kind"] == "assigned"
    assert item["kind_label"] == "Được giao xử lý"
    assert item["is_read"] is False
    assert item["link"] == "/van-ban/den/7/"
    only_unread = api.get(API, {"unread": "true"}).json()["results"]
    assert {r["id"] for r in only_unread} == {n.pk for n in unread}
    assert api.get(API, {"after": "không-phải-con-trỏ"}).status_code == 400


def test_the_api_marks_read_and_counts(cast):
    notices = [_notice(cast.specialist) for _ in range(3)]
    api = _api(cast.specialist)
    assert api.get(f"{API}unread-count/").json() == {"unread": 3}
    response = api.post(f"{API}{notices[0].pk}/read/")
    assert response.status_code == 200
    assert response.json()["is_read"] is True
    assert response.json()["read_at"]
    assert api.get(f"{API}{notices[0].pk}/").json()["is_read"] is True
    assert api.get(f"{API}unread-count/").json() == {"unread": 2}
    assert api.post(f"{API}read-all/").json() == {"marked": 2}
    assert api.get(f"{API}unread-count/").json() == {"unread": 0}
    assert api.get(f"{API}read-all/").status_code == 405

"""The monitoring pages, the list behind each figure, the navigation entry, the dashboard card."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from vanthu.workflow import views_monitoring
from vanthu.workflow.choices import AssignmentRole, AssignmentState
from vanthu.workflow.tests.factories import AssignmentFactory

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 9, 3, 9, 0, tzinfo=HCM)
PAGE = "/xu-ly/theo-doi/"
LIST = "/xu-ly/theo-doi/van-ban/"


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=HCM)


def _work(cast, **fields):
    values = {
        "agency": cast.agency_a,
        "assignee": cast.specialist,
        "assigned_by": cast.unit_head,
        "assigned_at": _at(date(2026, 9, 1)),
        "state": AssignmentState.IN_PROGRESS,
    }
    values.update(fields)
    return AssignmentFactory(**values)


def _card(html: str) -> str:
    start = html.index('id="theo-doi-xu-ly"')
    return html[start : html.index("</section>", start)]


def _stat(html: str, group: str) -> int:
    match = re.search(rf'data-nhom="{group}">\s*<dt>.*?</dt>\s*<dd>(\d+)</dd>', html, re.S)
    assert match, group
    return int(match.group(1))


def test_the_urls_are_the_ones_the_benchmark_uses():
    # then the names resolve to the documented paths
    assert reverse("workflow:monitoring") == PAGE
    assert reverse("workflow:monitoring_documents") == LIST


@time_machine.travel(NOW, tick=False)
def test_the_leader_sees_the_agency_figures_and_the_units(client, cast):
    # given overdue work of Phòng BCVT, work due soon of the specialist, and work done late
    _work(cast, assignee=None, assignee_unit=cast.unit_a, due_date=date(2026, 8, 28))
    _work(cast, due_date=date(2026, 9, 4))
    _work(
        cast,
        state=AssignmentState.DONE,
        due_date=date(2026, 8, 27),
        completed_at=_at(date(2026, 9, 3), 8),
    )
    # when the leader opens the monitoring page
    client.force_login(cast.leader)
    response = client.get(PAGE, {"pham_vi": "agency"})
    html = response.content.decode()
    # then the figures of this month are shown, each linking to its documents
    assert response.status_code == 200
    assert (_stat(html, "assigned"), _stat(html, "in_progress")) == (3, 2)
    assert (_stat(html, "due_soon"), _stat(html, "overdue"), _stat(html, "done_late")) == (1, 1, 1)
    assert "Kỳ từ 01/09/2026 đến 30/09/2026" in html
    assert f"{LIST}?pham_vi=agency&amp;tu_ngay=01%2F09%2F2026" in html
    # and the breakdown lists the units, linking to each unit's page
    assert "Theo đơn vị" in html
    assert f"pham_vi=unit&amp;don_vi={cast.unit_a.pk}" in html
    assert cast.office_a.name in html


@time_machine.travel(NOW, tick=False)
def test_the_unit_head_sees_the_unit_and_its_people(client, cast):
    # given the specialist's overdue work
    _work(cast, due_date=date(2026, 8, 20))
    # when the unit head opens the unit scope (their unit by default)
    client.force_login(cast.unit_head)
    html = client.get(PAGE, {"pham_vi": "unit"}).content.decode()
    # then the page is the unit's, with a line per person linking to the person's page
    assert cast.unit_a.name in html
    assert "Theo cán bộ của đơn vị" in html
    assert f"pham_vi=person&amp;can_bo={cast.specialist.pk}" in html
    assert cast.specialist.full_name in html


@time_machine.travel(NOW, tick=False)
def test_the_period_can_be_chosen_in_day_month_year(client, cast):
    # given work assigned in August
    _work(cast, assigned_at=_at(date(2026, 8, 10)))
    client.force_login(cast.specialist)
    # when the specialist looks at August
    html = client.get(
        PAGE, {"pham_vi": "person", "tu_ngay": "01/08/2026", "den_ngay": "31/08/2026"}
    ).content.decode()
    # then it was assigned in that period, and not in September
    assert _stat(html, "assigned") == 1
    assert _stat(client.get(PAGE).content.decode(), "assigned") == 0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"pham_vi": "bo"}, "Phạm vi không hợp lệ"),
        ({"pham_vi": "unit", "don_vi": "abc"}, "Đơn vị: mã phải là một số nguyên dương."),
        ({"can_bo": "-3"}, "Cán bộ: mã phải là một số nguyên dương."),
        ({"can_bo": "99999999999999999999999"}, "Cán bộ: mã không hợp lệ."),
        ({"tu_ngay": "2026-09-01"}, "Từ ngày: ngày không hợp lệ"),
        ({"tu_ngay": "31/09/2026"}, "Từ ngày: ngày không hợp lệ"),
        ({"tu_ngay": "10/09/2026", "den_ngay": "01/09/2026"}, "trước hoặc bằng ngày kết thúc"),
        ({"tu_ngay": "01/01/2025", "den_ngay": "31/12/2026"}, "tối đa 366 ngày"),
        ({"tu_ngay": "31/12/9999"}, "Năm phải từ 1900 đến 2999."),
    ],
)
def test_a_bad_query_gets_a_clear_vietnamese_error(client, cast, query, message):
    # when the leader sends a bad query
    client.force_login(cast.leader)
    response = client.get(PAGE, query)
    # then the page says what is wrong, with a 400 and no figures
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "data-nhom" not in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "Thiếu nhóm văn bản cần xem"),
        ({"nhom": "late"}, "Nhóm không hợp lệ"),
        ({"nhom": "overdue", "sau": "not-a-cursor"}, "Con trỏ trang không hợp lệ"),
    ],
)
def test_a_bad_list_query_gets_a_clear_vietnamese_error(client, cast, query, message):
    client.force_login(cast.leader)
    # when the list is asked without a group, with an unknown one or a broken cursor
    response = client.get(LIST, {"pham_vi": "agency", **query})
    # then the answer is a 400 that says why
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_leader_who_names_no_unit_is_asked_to_choose_one(client, cast):
    client.force_login(cast.leader)
    response = client.get(PAGE, {"pham_vi": "unit"})
    assert response.status_code == 400
    assert "Hãy chọn đơn vị cần theo dõi." in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "query"),
    [
        ("outsider", {"pham_vi": "unit", "don_vi": "unit_a"}),
        ("outsider", {"pham_vi": "person", "can_bo": "specialist"}),
        ("outsider_admin", {"pham_vi": "unit", "don_vi": "unit_a"}),
        ("specialist", {"pham_vi": "agency"}),
        ("specialist", {"pham_vi": "person", "can_bo": "unit_head"}),
        ("unit_head", {"pham_vi": "unit", "don_vi": "office_a"}),
        ("clerk", {"pham_vi": "unit", "don_vi": "unit_a"}),
        ("system_admin", {}),
    ],
)
@pytest.mark.parametrize("path", [PAGE, LIST])
def test_a_scope_one_may_not_see_is_not_found(client, cast, persona, query, path):
    # given the ids of agency A's records in the query
    params = {
        k: str(getattr(cast, v).pk) if k in ("don_vi", "can_bo") else v for k, v in query.items()
    }
    params["nhom"] = "overdue"
    # when someone who may not see that scope asks
    client.force_login(getattr(cast, persona))
    response = client.get(path, params)
    # then it does not exist for them, and nothing of it is shown
    assert response.status_code == 404
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert "Không tìm thấy" in main
    for name in (cast.unit_a.name, cast.specialist.full_name, cast.unit_head.full_name):
        assert name not in main


def test_an_outsider_sees_their_own_agency_only(client, cast):
    # when agency B's clerk opens the page
    client.force_login(cast.outsider)
    html = client.get(PAGE, {"pham_vi": "agency"}).content.decode()
    # then it is agency B's
    assert cast.agency_b.name in html
    assert cast.agency_a.name not in html


@time_machine.travel(NOW, tick=False)
def test_the_list_behind_a_figure_links_each_document(client, cast):
    # given two overdue documents and one due later
    first = _work(cast, due_date=date(2026, 8, 20))
    second = _work(cast, due_date=date(2026, 8, 25))
    later = _work(cast, due_date=date(2026, 9, 30))
    # when the specialist opens their overdue list
    client.force_login(cast.specialist)
    response = client.get(LIST, {"pham_vi": "person", "nhom": "overdue"})
    html = response.content.decode()
    # then both overdue documents are listed, oldest due date first, linking to the document
    assert response.status_code == 200
    assert html.index(first.incoming.summary) < html.index(second.incoming.summary)
    assert later.incoming.summary not in html
    assert reverse("registry:incoming_detail", args=[first.incoming_id]) in html
    # and how many working days each is late: after 20/8, 21/8, Saturday 22/8 (a swapped
    # working day), 24/8 to 28/8 and 3/9 (29/8 to 2/9 are off)
    assert "8 ngày" in html


@time_machine.travel(NOW, tick=False)
def test_the_list_pages_with_a_cursor_and_htmx_gets_the_list_alone(client, cast, monkeypatch):
    # given three open documents and pages of two
    monkeypatch.setattr(views_monitoring, "PAGE_SIZE", 2)
    rows = [_work(cast, due_date=date(2026, 9, 10 + k)) for k in range(3)]
    client.force_login(cast.specialist)
    query = {"pham_vi": "person", "nhom": "in_progress"}
    # when the first page is opened
    first = client.get(LIST, query).content.decode()
    # then it has the first two and a link to the next page
    assert rows[0].incoming.summary in first
    assert rows[1].incoming.summary in first
    assert rows[2].incoming.summary not in first
    cursor = re.search(r'sau=([^"&]+)" hx-get', first).group(1)
    # when htmx asks for the next page
    second = client.get(
        LIST, {**query, "sau": cursor}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="van-ban-theo-doi"
    ).content.decode()
    # then only the list comes back, with the third document
    assert "<html" not in second
    assert rows[2].incoming.summary in second
    assert rows[0].incoming.summary not in second


def test_the_navigation_has_the_monitoring_entry_for_staff(client, cast):
    client.force_login(cast.specialist)
    html = client.get(reverse("dashboard")).content.decode()
    assert f'href="{PAGE}"' in html
    assert "Theo dõi xử lý" in html


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_card_shows_one_s_own_work_and_the_leader_the_agency(client, cast):
    # given the specialist's overdue and due-soon work, and co-handling for the leader's agency
    _work(cast, due_date=date(2026, 8, 20))
    _work(cast, due_date=date(2026, 9, 4))
    _work(cast, role=AssignmentRole.CO, assignee=None, assignee_unit=cast.office_a)
    # when the specialist opens the dashboard
    client.force_login(cast.specialist)
    html = client.get(reverse("dashboard")).content.decode()
    # then the card shows their own open, due soon and overdue counts, linking to the lists
    card = _card(html)
    assert re.search(r"Đang xử lý</a></dt><dd>2</dd>", card)
    assert re.search(r"Sắp đến hạn</a></dt><dd>1</dd>", card)
    assert re.search(r"Quá hạn</a></dt><dd>1</dd>", card)
    assert f"{LIST}?pham_vi=person&amp;can_bo={cast.specialist.pk}" in card
    assert cast.agency_a.name not in card
    # when the leader opens it, then the agency's line follows their own
    client.force_login(cast.leader)
    card = _card(client.get(reverse("dashboard")).content.decode())
    assert "Của tôi" in card
    assert cast.agency_a.name in card
    assert re.findall(r"Đang xử lý</a></dt><dd>(\d+)</dd>", card) == ["0", "3"]


def test_no_card_for_someone_acting_for_no_agency(client, cast):
    client.force_login(cast.system_admin)
    html = client.get(reverse("dashboard")).content.decode()
    assert 'id="theo-doi-xu-ly"' not in html

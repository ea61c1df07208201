"""The dashboard: per-role content, never another agency's data; agency switch; journal check."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from vanthu.core.models import JournalEntry
from vanthu.organizations import services
from vanthu.organizations.choices import Role
from vanthu.organizations.middleware import ACTING_AGENCY_SESSION_KEY
from vanthu.organizations.models import RoleGrant
from vanthu.organizations.tests.factories import DEFAULT_PASSWORD, PersonFactory

AGENCY_A_NAMES = (
    "Trần Thị Văn Thư",
    "Lê Văn Trưởng",
    "Phạm Minh Giám",
    "Võ Thị Chuyên",
    "Đặng Văn Lưu",
    "Huỳnh Quản Trị",
    "Cán Bộ Chưa Giao",
    "Phòng Bưu chính, Viễn thông",
)


def _page(client: Client, person) -> str:
    client.force_login(person)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_dashboard_needs_sign_in(client, cast):
    # when
    response = client.get("/")
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=/"


def test_clerk_sees_their_role_card_and_account(client, cast):
    # when
    page = _page(client, cast.clerk)
    # then
    assert "Tổng quan" in page
    assert "Trần Thị Văn Thư" in page
    assert "Văn thư" in page
    assert "Tiếp nhận, đăng ký văn bản đến" in page
    assert "Văn phòng Sở" in page  # their unit
    assert "Sở Thông tin và Truyền thông" in page
    assert "Quản trị cơ quan:" not in page
    assert "Quản trị hệ thống" not in page
    assert "Chưa bật" in page  # second factor status


def test_each_working_role_gets_its_own_card(client, cast):
    # when
    leader = _page(Client(), cast.leader)
    archivist = _page(Client(), cast.archivist)
    # then
    assert "duyệt và ký ban hành" in leader
    assert "Tiếp nhận, đăng ký văn bản đến" not in leader
    assert "hồ sơ nộp lưu" in archivist


def test_own_recent_sign_ins_are_listed(client, cast):
    # given
    Client().post("/dang-nhap/", {"username": "vanthu.a", "password": "sai"})
    Client().post("/dang-nhap/", {"username": "vanthu.a", "password": DEFAULT_PASSWORD})
    # when
    page = _page(client, cast.clerk)
    # then
    section = page.split("Lần đăng nhập gần đây của bạn", 1)[1]
    assert "Đăng nhập thất bại" in section
    assert "Đăng nhập" in section
    assert "127.0.0.1" in section


def test_agency_admin_sees_counts_and_gaps_of_their_agency(client, cast):
    # given: one person without a role, one without e-mail
    PersonFactory(username="chua.giao", full_name="Cán Bộ Chưa Giao", agency=cast.agency_a)
    PersonFactory(
        username="khong.thu",
        full_name="Cán Bộ Không Thư",
        agency=cast.agency_a,
        email="",
        roles=[Role.SPECIALIST],
    )
    PersonFactory(username="nghi.viec", agency=cast.agency_a, is_active=False)
    # when
    page = _page(client, cast.agency_admin)
    # then
    assert "Quản trị cơ quan: Sở Thông tin và Truyền thông" in page
    units = page.split("Đơn vị đang hoạt động</dt><dd>", 1)[1].split("<", 1)[0]
    staff = page.split("Cán bộ đang làm việc</dt><dd>", 1)[1].split("<", 1)[0]
    assert units == "2"
    assert staff == "8"  # six personas, two new; the inactive one is not counted
    gaps = page.split("Chưa được giao vai trò (1)", 1)[1].split("Chưa có thư điện tử", 1)[0]
    assert "Cán Bộ Chưa Giao" in gaps
    assert "Cán Bộ Không Thư" in page.split("Chưa có thư điện tử (1)", 1)[1]
    no_2fa = page.split("Quản trị viên chưa bật xác thực hai bước", 1)[1].split("</article>")[0]
    assert "Huỳnh Quản Trị" in no_2fa


def test_agency_admin_with_a_device_is_not_listed_as_unprotected(client, cast):
    # given
    TOTPDevice.objects.create(user=cast.agency_admin, name="x", confirmed=True)
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(cast.agency_admin)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=cast.agency_admin).persistent_id
    session.save()
    # when
    page = client.get("/").content.decode()
    # then
    no_2fa = page.split("Quản trị viên chưa bật xác thực hai bước", 1)[1].split("</article>")[0]
    assert "Huỳnh Quản Trị" not in no_2fa
    assert "Mọi quản trị viên của cơ quan đều đã bật." in no_2fa


def test_agency_admin_sees_recent_changes_in_their_journal(client, cast):
    # given
    unit = services.unit_create(
        actor=cast.actor(cast.agency_admin), agency_id=cast.agency_a.pk, name="Phòng Mới"
    )
    # when
    page = _page(client, cast.agency_admin)
    # then
    recent = page.split("Thay đổi gần đây trong nhật ký của cơ quan", 1)[1]
    assert "Tạo đơn vị" in recent
    assert f'<a href="{reverse("staff:unit_detail", args=[unit.pk])}">Phòng Mới</a>' in recent


def test_outsider_admin_sees_nothing_of_another_agency(client, cast):
    # given: activity and gaps in agency A
    PersonFactory(username="chua.giao", full_name="Cán Bộ Chưa Giao", agency=cast.agency_a)
    services.unit_create(
        actor=cast.actor(cast.agency_admin), agency_id=cast.agency_a.pk, name="Phòng Bí Mật A"
    )
    Client().post("/dang-nhap/", {"username": "vanthu.a", "password": "sai"})
    Client().post("/dang-nhap/", {"username": "quantri.a", "password": DEFAULT_PASSWORD})
    # when
    page = _page(client, cast.outsider_admin)
    # then
    assert "Quản trị cơ quan: Sở Tài chính" in page
    for name in (*AGENCY_A_NAMES, "Phòng Bí Mật A", "Sở Thông tin và Truyền thông", "vanthu.a"):
        assert name not in page, name


def test_system_admin_sees_the_installation_and_sign_in_failures(client, cast):
    # given
    Client().post("/dang-nhap/", {"username": "vanthu.b", "password": "sai"})
    # when
    page = _page(client, cast.system_admin)
    # then
    assert "Quản trị hệ thống" in page
    hosted = page.split("Cơ quan sử dụng hệ thống</dt><dd>", 1)[1].split("<", 1)[0]
    assert hosted == "3"
    failures = page.split("Đăng nhập thất bại gần đây", 1)[1].split("</article>", 1)[0]
    assert "vanthu.b" in failures
    assert "Nhật ký chưa được kiểm tra lần nào." in page


def test_system_admin_verifies_the_journal_on_demand_with_htmx(client, cast):
    # given
    services.unit_create(
        actor=cast.actor(cast.agency_admin), agency_id=cast.agency_a.pk, name="Phòng Mới"
    )
    client.force_login(cast.system_admin)
    # when
    response = client.post(reverse("journal_verify"), HTTP_HX_REQUEST="true")
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body  # a fragment for htmx to swap in
    assert "Toàn vẹn" in body
    [row] = JournalEntry.objects.filter(action="journal.verify")
    assert row.chain == "system"
    assert row.after is not None
    assert row.after["problem_count"] == 0
    assert "Lần kiểm tra gần nhất" in client.get("/").content.decode()


def test_only_a_system_admin_may_verify_the_journal(client, cast):
    # given
    client.force_login(cast.agency_admin)
    # when
    response = client.post(reverse("journal_verify"))
    refused_get = client.get(reverse("journal_verify"))
    # then
    assert response.status_code == 404
    assert refused_get.status_code == 405
    assert not JournalEntry.objects.filter(action="journal.verify").exists()


def test_agency_switcher_appears_only_with_roles_in_several_agencies(client, cast):
    # given
    RoleGrant.objects.create(person=cast.leader, agency=cast.agency_b, role=Role.LEADER)
    # when
    leader_page = _page(Client(), cast.leader)
    clerk_page = _page(Client(), cast.clerk)
    # then
    assert "Cơ quan làm việc" in leader_page
    assert "Sở Tài chính" in leader_page
    assert "Cơ quan làm việc" not in clerk_page


def test_switching_agency_changes_the_acting_agency(client, cast):
    # given
    RoleGrant.objects.create(person=cast.leader, agency=cast.agency_b, role=Role.LEADER)
    client.force_login(cast.leader)
    # when
    response = client.post(reverse("agency_switch"), {"agency_id": cast.agency_b.pk})
    page = client.get("/").content.decode()
    # then
    assert response.status_code == 302
    assert client.session[ACTING_AGENCY_SESSION_KEY] == cast.agency_b.pk
    assert "Bạn đang làm việc cho <strong>Sở Tài chính</strong>" in page
    [row] = JournalEntry.objects.filter(action="auth.agency_switch")
    assert row.after == {"from_agency_id": cast.agency_a.pk, "to_agency_id": cast.agency_b.pk}


@pytest.mark.parametrize("target", ["agency_b", "unknown"])
def test_switching_to_an_agency_without_a_role_is_refused(client, cast, target):
    # given
    client.force_login(cast.clerk)
    agency_id = cast.agency_b.pk if target == "agency_b" else 999_999
    # when
    response = client.post(reverse("agency_switch"), {"agency_id": agency_id}, follow=True)
    # then
    assert ACTING_AGENCY_SESSION_KEY not in client.session
    assert "Cơ quan đã chọn không hợp lệ." in response.content.decode()
    assert not JournalEntry.objects.filter(action="auth.agency_switch").exists()


# --- The page shell ----------------------------------------------------------------------


def test_shell_carries_csrf_for_htmx_and_local_assets_only(client, cast):
    # when
    page = _page(client, cast.clerk)
    # then
    assert '<html lang="vi"' in page
    assert 'hx-headers=\'{"X-CSRFToken": "' in page
    assert "/static/vendor/htmx/htmx.min.js" in page
    assert "https://" not in page.split("</head>", 1)[0]  # nothing loaded from the internet
    assert 'aria-controls="dieu-huong"' in page  # the menu button of narrow screens


def test_navigation_offers_staff_pages_to_staff_and_positions_to_admins(client, cast):
    # when
    admin_page = _page(Client(), cast.agency_admin)
    clerk_page = _page(Client(), cast.clerk)
    # then: every staff member reads the unit tree and the people list (read-only)
    nav = admin_page.split('aria-label="Điều hướng chính"', 1)[1].split("</nav>", 1)[0]
    assert ">Cán bộ<" in nav
    assert ">Đơn vị<" in nav
    assert ">Chức vụ<" in nav
    clerk_nav = clerk_page.split('aria-label="Điều hướng chính"', 1)[1].split("</nav>", 1)[0]
    assert ">Cán bộ<" in clerk_nav
    assert ">Đơn vị<" in clerk_nav
    assert ">Chức vụ<" not in clerk_nav
    assert ">Tổng quan<" in clerk_nav


def test_error_pages_are_vietnamese(client, cast, rf):
    # given
    from django.core.exceptions import PermissionDenied
    from django.template.loader import render_to_string
    from django.views.defaults import permission_denied

    client.force_login(cast.clerk)
    # when
    not_found = client.get("/khong-co-trang-nay/")
    denied = permission_denied(rf.get("/"), PermissionDenied("Bạn không có quyền."))
    server_error = render_to_string("500.html")
    # then
    assert not_found.status_code == 404
    assert "Không tìm thấy trang" in not_found.content.decode()
    assert denied.status_code == 403
    assert "Bạn không có quyền." in denied.content.decode()
    assert "Hệ thống gặp sự cố" in server_error
    assert 'lang="vi"' in server_error

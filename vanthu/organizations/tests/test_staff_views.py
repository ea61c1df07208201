"""The agency administration pages (/co-quan/): who sees what, forms, htmx, the journal."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from vanthu.core.models import JournalEntry
from vanthu.organizations import services
from vanthu.organizations.choices import Role
from vanthu.organizations.journal_labels import action_label, journal_changes
from vanthu.organizations.models import Agency, Person, Position, RoleGrant, Unit
from vanthu.organizations.tests.factories import PersonFactory, PositionFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
PASSWORD = "Mat-khau-ban-dau-2026!"


def _state() -> dict[str, list[dict[str, Any]]]:
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Agency, Unit, Position, Person, RoleGrant, JournalEntry)
    }


def _pages(cast) -> list[str]:
    return [
        reverse("staff:unit_list"),
        reverse("staff:unit_create"),
        reverse("staff:unit_detail", args=[cast.unit_a.pk]),
        reverse("staff:unit_edit", args=[cast.unit_a.pk]),
        reverse("staff:person_list"),
        reverse("staff:person_create"),
        reverse("staff:person_detail", args=[cast.specialist.pk]),
        reverse("staff:person_edit", args=[cast.specialist.pk]),
        reverse("staff:person_password", args=[cast.specialist.pk]),
        reverse("staff:position_list"),
    ]


def _text(response) -> str:
    return response.content.decode()


# --- Who sees what --------------------------------------------------------------------------


def test_every_page_renders_for_the_agency_admin(client, cast):
    client.force_login(cast.agency_admin)
    for url in _pages(cast):
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="vi"' in _text(response)


def test_anonymous_is_sent_to_sign_in(client, cast):
    response = client.get(reverse("staff:person_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_unit_list_shows_the_tree_with_staff_counts(client, cast):
    # given a team under unit_a
    services.unit_create(
        actor=cast.actor(cast.agency_admin),
        agency_id=cast.agency_a.pk,
        name="Tổ Viễn thông",
        parent_id=cast.unit_a.pk,
    )
    client.force_login(cast.agency_admin)
    response = client.get(reverse("staff:unit_list"))
    rows = [(r.unit.name, r.depth, r.unit.staff_count) for r in response.context["rows"]]
    # then units are listed depth-first under their parents, with active staff counted
    assert rows == [
        ("Phòng Bưu chính, Viễn thông", 0, 2),
        ("Tổ Viễn thông", 1, 0),
        ("Văn phòng Sở", 0, 2),
    ]
    assert "Thêm đơn vị" in _text(response)
    assert "Phòng Bưu chính" in _text(response)
    assert "Sở Tài chính" not in _text(response)


def test_clerk_sees_the_lists_read_only(client, cast):
    client.force_login(cast.clerk)
    units = client.get(reverse("staff:unit_list"))
    people = client.get(reverse("staff:person_list"))
    person = client.get(reverse("staff:person_detail", args=[cast.specialist.pk]))
    unit = client.get(reverse("staff:unit_detail", args=[cast.unit_a.pk]))
    for response in (units, people, person, unit):
        assert response.status_code == 200
        html = _text(response)
        assert "/sua/" not in html
        assert "/them/" not in html
        assert "dat-lai-mat-khau" not in html
        assert "Lịch sử thay đổi" not in html  # the journal is for administrators
    assert "Văn phòng Sở" in _text(units)
    assert "Võ Thị Chuyên" in _text(people)
    assert "Thêm vai trò" not in _text(person)


@pytest.mark.parametrize("persona", ["clerk", "leader", "unit_head"])
def test_staff_cannot_open_the_forms(client, cast, persona):
    client.force_login(getattr(cast, persona))
    for url in _pages(cast):
        if "/sua/" in url or "/them/" in url or "mat-khau" in url:
            response = client.get(url)
            assert response.status_code == 403, url
            assert "Bạn không có quyền" in _text(response)


def test_clerk_posts_are_refused_and_change_nothing(client, cast):
    client.force_login(cast.clerk)
    grant = RoleGrant.objects.get(person=cast.specialist)
    before = _state()
    posts = [
        (reverse("staff:unit_create"), {"name": "Phòng Mới", "short_name": "PM"}),
        (reverse("staff:unit_edit", args=[cast.unit_a.pk]), {"name": "Đổi tên"}),
        (reverse("staff:person_create"), {"username": "x", "full_name": "X"}),
        (reverse("staff:person_edit", args=[cast.specialist.pk]), {"full_name": "Đổi tên"}),
        (
            reverse("staff:person_password", args=[cast.specialist.pk]),
            {"password1": "Dat-lai-2027-moi!", "password2": "Dat-lai-2027-moi!"},
        ),
        (reverse("staff:grant_add", args=[cast.specialist.pk]), {"them-role": Role.CLERK}),
        (reverse("staff:grant_remove", args=[cast.specialist.pk, grant.pk]), {}),
        (reverse("staff:position_list"), {"name": "Giám đốc", "rank": "10"}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 403, url
    assert _state() == before


def test_outsider_gets_404_for_agency_a_pages(client, cast):
    client.force_login(cast.outsider_admin)
    grant = RoleGrant.objects.get(person=cast.specialist)
    before = _state()
    urls = [
        reverse("staff:unit_detail", args=[cast.unit_a.pk]),
        reverse("staff:unit_edit", args=[cast.unit_a.pk]),
        reverse("staff:person_detail", args=[cast.specialist.pk]),
        reverse("staff:person_edit", args=[cast.specialist.pk]),
        reverse("staff:person_password", args=[cast.specialist.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Không tìm thấy trang" in _text(response)
        assert "Võ Thị Chuyên" not in _text(response)
        assert client.post(url, {"name": "x", "full_name": "x"}).status_code == 404
    remove = reverse("staff:grant_remove", args=[cast.specialist.pk, grant.pk])
    assert client.post(remove).status_code == 404
    assert _state() == before


def test_outsider_lists_show_only_their_own_agency(client, cast):
    client.force_login(cast.outsider)
    html = _text(client.get(reverse("staff:person_list")))
    assert "Ngô Văn Ngoài" in html
    assert "Trần Thị Văn Thư" not in html
    # ?co_quan= is a system administrator's choice only; others stay in their agency
    html = _text(client.get(reverse("staff:unit_list"), {"co_quan": cast.agency_a.pk}))
    assert "Phòng Bưu chính" not in html


def test_system_admin_picks_an_agency(client, cast):
    client.force_login(cast.system_admin)
    picker = client.get(reverse("staff:unit_list"))
    assert "Chọn cơ quan cần quản trị" in _text(picker)
    assert f"?co_quan={cast.agency_a.pk}" in _text(picker)
    units = client.get(reverse("staff:unit_list"), {"co_quan": cast.agency_a.pk})
    assert "Phòng Bưu chính, Viễn thông" in _text(units)
    assert "Thêm đơn vị" in _text(units)
    # and creates a unit there
    response = client.post(
        reverse("staff:unit_create") + f"?co_quan={cast.agency_b.pk}",
        {"name": "Phòng Ngân sách", "short_name": "NS"},
    )
    assert response.status_code == 302
    assert Unit.objects.get(short_name="NS").agency_id == cast.agency_b.pk
    assert client.get(reverse("staff:unit_list"), {"co_quan": "abc"}).status_code == 404


# --- Units ----------------------------------------------------------------------------------


def test_unit_create_and_detail_with_journal(client, cast):
    client.force_login(cast.agency_admin)
    response = client.post(
        reverse("staff:unit_create"),
        {"name": "Thanh tra Sở", "short_name": "ttr", "parent": str(cast.office_a.pk)},
    )
    unit = Unit.objects.get(name="Thanh tra Sở")
    assert response.status_code == 302
    assert response.url == reverse("staff:unit_detail", args=[unit.pk])
    html = _text(client.get(response.url))
    assert "Đã tạo đơn vị" in html
    assert "Lịch sử thay đổi" in html
    assert "Tạo đơn vị" in html
    assert "Huỳnh Quản Trị" in html
    assert "127.0.0.1" in html
    assert "TTR" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "short_name": "X"}, "Trường này là bắt buộc."),
        ({"name": "Văn phòng 2", "short_name": "vp"}, "Ký hiệu đã tồn tại."),
        ({"name": "Tổ", "parent": "999999"}, "Hãy chọn một lựa chọn hợp lệ."),
    ],
    ids=["empty-name", "duplicate-notation", "unknown-parent"],
)
def test_unit_create_shows_vietnamese_errors(client, cast, data, message):
    client.force_login(cast.agency_admin)
    before = _state()
    response = client.post(reverse("staff:unit_create"), data)
    assert response.status_code == 200
    assert message in _text(response)
    assert 'aria-invalid="true"' in _text(response)
    assert _state() == before


def test_unit_create_offers_no_parent_of_another_agency(client, cast):
    client.force_login(cast.agency_admin)
    before = _state()
    response = client.post(
        reverse("staff:unit_create"), {"name": "Tổ", "parent": str(cast.unit_b.pk)}
    )
    assert "Hãy chọn một lựa chọn hợp lệ." in _text(response)
    assert _state() == before


def test_unit_edit_refuses_a_cycle_and_deactivates(client, cast):
    client.force_login(cast.agency_admin)
    url = reverse("staff:unit_edit", args=[cast.office_a.pk])
    # unit_a under the office, then the office under unit_a: a cycle
    services.unit_update(
        actor=cast.actor(cast.agency_admin),
        unit_id=cast.unit_a.pk,
        name=cast.unit_a.name,
        short_name="BCVT",
        parent_id=cast.office_a.pk,
    )
    before = _state()
    response = client.post(
        url,
        {
            "name": "Văn phòng Sở",
            "short_name": "VP",
            "parent": str(cast.unit_a.pk),
            "is_active": "on",
        },
    )
    assert "Cấp trên không hợp lệ." in _text(response)
    assert _state() == before
    # deactivating writes the journal row that the unit page shows as before → after
    response = client.post(
        reverse("staff:unit_edit", args=[cast.unit_a.pk]),
        {"name": "Phòng BCVT", "short_name": "BCVT", "parent": str(cast.office_a.pk)},
    )
    assert response.status_code == 302
    cast.unit_a.refresh_from_db()
    assert (cast.unit_a.name, cast.unit_a.is_active) == ("Phòng BCVT", False)
    html = _text(client.get(response.url))
    assert "Sửa đơn vị" in html
    assert "<del>Phòng Bưu chính, Viễn thông</del>" in html
    assert "<ins>Phòng BCVT</ins>" in html


# --- People ---------------------------------------------------------------------------------


def _person_data(cast, **changes: str) -> dict[str, str]:
    data = {
        "username": "nguyenvanmoi",
        "full_name": "Nguyễn Văn Mới",
        "email": "moi@khanhhoa.gov.vn",
        "phone": "0258 3812 000",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "vai_tro-TOTAL_FORMS": "2",
        "vai_tro-INITIAL_FORMS": "0",
        "vai_tro-0-role": Role.SPECIALIST,
        "vai_tro-0-unit": str(cast.unit_a.pk),
        "vai_tro-0-position": "",
        "vai_tro-1-role": "",
        "vai_tro-1-unit": "",
        "vai_tro-1-position": "",
    }
    data.update(changes)
    return data


def test_person_create_with_roles_and_journal(client, cast):
    position = PositionFactory(agency=cast.agency_a, name="Chuyên viên chính")
    client.force_login(cast.agency_admin)
    response = client.post(
        reverse("staff:person_create"),
        _person_data(
            cast,
            **{
                "vai_tro-1-role": Role.CLERK,
                "vai_tro-1-unit": str(cast.office_a.pk),
                "vai_tro-1-position": str(position.pk),
            },
        ),
    )
    person = Person.objects.get(username="nguyenvanmoi")
    assert response.status_code == 302
    assert response.url == reverse("staff:person_detail", args=[person.pk])
    assert person.check_password(PASSWORD)
    assert sorted(person.grants.values_list("role", "unit_id", "position_id")) == [
        (Role.CLERK, cast.office_a.pk, position.pk),
        (Role.SPECIALIST, cast.unit_a.pk, None),
    ]
    html = _text(client.get(response.url))
    assert "Tạo tài khoản cán bộ" in html
    assert html.count("Thêm vai trò") >= 2  # two journal rows, and the add form
    assert "Chuyên viên chính" in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"password2": "Khac-mat-khau-2026!"}, "Hai lần nhập mật khẩu không khớp."),
        ({"password1": "12345678901", "password2": "12345678901"}, "hoàn toàn là số"),
        ({"username": "VANTHU.A"}, "Tên đăng nhập đã tồn tại."),
        ({"email": "khong-phai-thu"}, "Nhập một địa chỉ email hợp lệ."),
        ({"full_name": ""}, "Trường này là bắt buộc."),
        ({"vai_tro-0-role": "", "vai_tro-0-unit": ""}, "Cần ít nhất một vai trò."),
        ({"vai_tro-0-role": ""}, "Trường này là bắt buộc."),
        ({"vai_tro-0-role": Role.SYSTEM_ADMIN}, "Hãy chọn một lựa chọn hợp lệ."),
        (
            {"vai_tro-1-role": Role.SPECIALIST, "vai_tro-1-unit": "UNIT_A"},
            "Một vai trò ở cùng đơn vị được nhập hai lần.",
        ),
    ],
    ids=[
        "mismatch",
        "numeric",
        "taken",
        "email",
        "no-name",
        "no-role",
        "unit-without-role",
        "system-admin",
        "twice",
    ],
)
def test_person_create_shows_vietnamese_errors(client, cast, changes, message):
    changes = {k: str(cast.unit_a.pk) if v == "UNIT_A" else v for k, v in changes.items()}
    client.force_login(cast.agency_admin)
    before = _state()
    response = client.post(reverse("staff:person_create"), _person_data(cast, **changes))
    assert response.status_code == 200
    assert message in _text(response)
    assert _state() == before


def test_person_grant_row_adds_a_numbered_row(client, cast):
    client.force_login(cast.agency_admin)
    response = client.get(reverse("staff:person_grant_row"), {"vai_tro-TOTAL_FORMS": "3"}, **HTMX)
    html = _text(response)
    assert 'name="vai_tro-3-role"' in html
    assert 'id="id_vai_tro-TOTAL_FORMS" hx-swap-oob="true"' in html
    assert 'value="4"' in html
    assert f'value="{Role.SYSTEM_ADMIN}"' not in html


def test_person_list_search_filter_and_htmx_results(client, cast):
    client.force_login(cast.agency_admin)
    response = client.get(reverse("staff:person_list"), {"q": "chuyên"})
    assert "Võ Thị Chuyên" in _text(response)
    assert "Trần Thị Văn Thư" not in _text(response)
    response = client.get(
        reverse("staff:person_list"), {"don_vi": cast.office_a.pk, "vai_tro": Role.ARCHIVIST}
    )
    assert [p.username for p in response.context["page"]] == ["luutru.a"]
    # an htmx search answers with the results only
    response = client.get(
        reverse("staff:person_list"), {"q": "Lưu"}, HTTP_HX_TARGET="ket-qua", **HTMX
    )
    html = _text(response)
    assert html.lstrip().startswith('<div id="ket-qua"')
    assert "Đặng Văn Lưu" in html
    assert "<html" not in html


def test_person_list_pages_and_locked_accounts(client, cast):
    for n in range(30):
        PersonFactory(
            agency=cast.agency_a,
            full_name=f"Cán Bộ Thử {n:02d}",
            username=f"thu{n:02d}",
            roles=[Role.SPECIALIST],
        )
    PersonFactory(
        agency=cast.agency_a,
        full_name="Người Đã Khóa",
        username="khoa",
        is_active=False,
        roles=[Role.CLERK],
    )
    client.force_login(cast.agency_admin)
    first = client.get(reverse("staff:person_list"))
    second = client.get(reverse("staff:person_list"), {"trang": "2"})
    assert first.context["page"].paginator.count == 36
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 11
    assert "trang=2" in _text(first)
    assert "Người Đã Khóa" not in _text(first) + _text(second)
    locked = client.get(reverse("staff:person_list"), {"trang_thai": "khoa"})
    assert [p.username for p in locked.context["page"]] == ["khoa"]


def test_grant_add_and_remove_with_htmx(client, cast):
    client.force_login(cast.agency_admin)
    url = reverse("staff:grant_add", args=[cast.specialist.pk])
    response = client.post(
        url, {"them-role": Role.ARCHIVIST, "them-unit": cast.office_a.pk}, **HTMX
    )
    html = _text(response)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="card" id="vai-tro"')
    assert "Đã thêm vai trò." in html
    assert 'id="lich-su" aria-labelledby="lich-su-tieu-de" hx-swap-oob="true"' in html
    grant = RoleGrant.objects.get(person=cast.specialist, role=Role.ARCHIVIST)
    assert grant.unit_id == cast.office_a.pk
    # adding it again shows the service's Vietnamese error in place, nothing stored
    before = _state()
    response = client.post(
        url, {"them-role": Role.ARCHIVIST, "them-unit": cast.office_a.pk}, **HTMX
    )
    assert "Vai trò đã có." in _text(response)
    assert _state() == before
    # removing it
    remove = reverse("staff:grant_remove", args=[cast.specialist.pk, grant.pk])
    response = client.post(remove, **HTMX)
    assert "Đã bỏ vai trò Lưu trữ." in _text(response)
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    assert JournalEntry.objects.filter(action="role_grant.remove").count() == 1


def test_grant_remove_of_own_admin_role_is_explained(client, cast):
    client.force_login(cast.agency_admin)
    grant = RoleGrant.objects.get(person=cast.agency_admin)
    before = _state()
    response = client.post(
        reverse("staff:grant_remove", args=[cast.agency_admin.pk, grant.pk]), follow=True
    )
    assert "Bạn không thể tự bỏ quyền quản trị của mình." in _text(response)
    assert _state() == before


def test_grant_remove_of_another_persons_grant_is_not_found(client, cast):
    client.force_login(cast.agency_admin)
    grant = RoleGrant.objects.get(person=cast.clerk)
    before = _state()
    response = client.post(reverse("staff:grant_remove", args=[cast.specialist.pk, grant.pk]))
    assert response.status_code == 404
    assert _state() == before


def test_person_edit_and_password_reset(client, cast):
    client.force_login(cast.agency_admin)
    response = client.post(
        reverse("staff:person_edit", args=[cast.specialist.pk]),
        {"full_name": "Võ Thị Chuyên Viên", "email": "cv@khanhhoa.gov.vn", "phone": "0901"},
    )
    assert response.status_code == 302
    cast.specialist.refresh_from_db()
    assert cast.specialist.full_name == "Võ Thị Chuyên Viên"
    assert cast.specialist.is_active is False  # the box was left unticked: account locked
    response = client.post(
        reverse("staff:person_password", args=[cast.specialist.pk]),
        {"password1": "Dat-lai-2027-moi!", "password2": "Dat-lai-2027-moi!"},
    )
    assert response.status_code == 302
    cast.specialist.refresh_from_db()
    assert cast.specialist.check_password("Dat-lai-2027-moi!")
    html = _text(client.get(response.url))
    assert "Đặt lại mật khẩu" in html
    assert "Sửa thông tin cán bộ" in html
    assert "<ins>Võ Thị Chuyên Viên</ins>" in html


def test_person_edit_refuses_locking_oneself(client, cast):
    client.force_login(cast.agency_admin)
    before = _state()
    response = client.post(
        reverse("staff:person_edit", args=[cast.agency_admin.pk]), {"full_name": "Huỳnh Quản Trị"}
    )
    assert "Không thể tự khóa." in _text(response)
    assert _state() == before


def test_person_password_shows_vietnamese_errors(client, cast):
    client.force_login(cast.agency_admin)
    before = _state()
    response = client.post(
        reverse("staff:person_password", args=[cast.specialist.pk]),
        {"password1": "ngan", "password2": "ngan"},
    )
    assert "Mật khẩu phải có ít nhất 10 ký tự." in _text(response)
    response = client.post(
        reverse("staff:person_password", args=[cast.specialist.pk]),
        {"password1": "chuyenvien.a", "password2": "chuyenvien.a"},
    )
    assert "Mật khẩu quá giống với tên đăng nhập." in _text(response)
    assert _state() == before


def test_person_journal_shows_sign_in_events_with_address(client, cast):
    services.auth_event_record(
        actor=cast.actor(cast.specialist),
        action="auth.login_failed",
        username="chuyenvien.a",
        person=cast.specialist,
        detail={"reason": "bad_credentials"},
    )
    client.force_login(cast.agency_admin)
    html = _text(client.get(reverse("staff:person_detail", args=[cast.specialist.pk])))
    assert "Đăng nhập thất bại" in html
    assert "Sai tên đăng nhập hoặc mật khẩu" in html
    assert "IP 127.0.0.1" in html


# --- Positions ------------------------------------------------------------------------------


def test_position_add_with_htmx_and_errors(client, cast):
    client.force_login(cast.agency_admin)
    url = reverse("staff:position_list")
    response = client.post(url, {"name": "Phó Giám đốc", "rank": "20"}, **HTMX)
    assert response.status_code == 200
    assert 'id="chuc-vu"' in _text(response)
    assert "Phó Giám đốc" in _text(response)
    assert Position.objects.filter(agency=cast.agency_a, name="Phó Giám đốc").exists()
    before = _state()
    response = client.post(url, {"name": "Phó Giám đốc", "rank": "20"}, **HTMX)
    assert "Chức vụ đã tồn tại." in _text(response)
    response = client.post(url, {"name": "Giám đốc", "rank": "5000"})
    assert "nhỏ hơn hoặc bằng" in _text(response)
    assert _state() == before


# --- Journal labels -------------------------------------------------------------------------


def test_action_labels_are_vietnamese_and_unknown_ones_show_their_code():
    assert action_label("unit.create") == "Tạo đơn vị"
    assert action_label("person.update") == "Sửa thông tin cán bộ"
    assert action_label("role_grant.add") == "Thêm vai trò"
    assert action_label("auth.login") == "Đăng nhập"
    assert action_label("auth.login_failed") == "Đăng nhập thất bại"
    assert action_label("registry.something_new") == "registry.something_new"


def test_journal_changes_show_only_what_changed_with_names():
    names = {"unit": {3: "Văn phòng Sở"}, "position": {}, "agency": {1: "Sở TT&TT"}}
    changes = journal_changes(
        object_type="organizations.unit",
        before={"id": 9, "name": "Phòng A", "parent": None, "is_active": True, "agency": 1},
        after={"id": 9, "name": "Phòng B", "parent": 3, "is_active": True, "agency": 1},
        names=names,
    )
    assert [(c.label, c.before, c.after) for c in changes] == [
        ("Tên", "Phòng A", "Phòng B"),
        ("Cấp trên", "—", "Văn phòng Sở"),
    ]
    removed = journal_changes(
        object_type="organizations.person",
        before={
            "grant": {"id": 4, "person": 2, "role": "clerk", "unit": 3, "position": 7, "agency": 1}
        },
        after=None,
        names=names,
    )
    assert [(c.label, c.before, c.after) for c in removed] == [
        ("Vai trò", "Văn thư", ""),
        ("Đơn vị", "Văn phòng Sở", ""),
        ("Chức vụ", "#7", ""),
        ("Cơ quan", "Sở TT&TT", ""),
    ]


def test_journal_changes_leave_out_the_rows_own_agency():
    grant = {"grant": {"role": "clerk", "unit": None, "agency": 1}}
    own = journal_changes(object_type="organizations.person", before=None, after=grant, agency_id=1)
    other = journal_changes(
        object_type="organizations.person", before=None, after=grant, agency_id=2
    )
    assert [c.label for c in own] == ["Vai trò"]
    assert [c.label for c in other] == ["Vai trò", "Cơ quan"]


def test_system_admin_sees_a_person_without_agency_read_only(client, cast):
    # a system administrator belongs to no agency: the page shows, with no agency buttons
    client.force_login(cast.system_admin)
    response = client.get(reverse("staff:person_detail", args=[cast.system_admin.pk]))
    assert response.status_code == 200
    assert "/sua/" not in _text(response)
    assert "Lịch sử thay đổi" in _text(response)
    assert client.get(reverse("staff:person_edit", args=[cast.system_admin.pk])).status_code == 403

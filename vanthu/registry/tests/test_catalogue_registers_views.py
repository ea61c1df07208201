"""The catalogue page of the registers (/van-ban/danh-muc/so/): add a series, rename, close."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from vanthu.core.models import JournalEntry
from vanthu.registry.models import DocumentType, Register, RegisterCounter
from vanthu.registry.tests.test_registers import _issue

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "danh-muc-so"}
NOV_2026 = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
URL = "/van-ban/danh-muc/so/"


def _text(response: Any) -> str:
    return response.content.decode()


def _type(code: str) -> DocumentType:
    return DocumentType.objects.get(code=code)


def _state() -> dict[str, Any]:
    return {
        "registers": list(Register.objects.order_by("pk").values()),
        "types": list(Register.document_types.through.objects.order_by("pk").values()),
        "counters": list(RegisterCounter.objects.order_by("pk").values()),
        "journal": JournalEntry.objects.count(),
    }


def _new_series(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "kind": "outgoing",
        "name": "Sổ Giấy mời",
        "document_types": [str(_type("giay-moi").pk)],
    }
    values.update(overrides)
    return values


def test_a_clerk_adds_a_series_renames_it_and_sees_its_history(client, cast):
    assert reverse("registry:catalogue_registers") == URL
    # given the page, listing the defaults with their number of the year
    with time_machine.travel(NOV_2026, tick=False):
        _issue(cast)
        client.force_login(cast.clerk)
        page = _text(client.get(URL))
    # (a session opened on a frozen clock has expired by now: sign in again)
    client.force_login(cast.clerk)
    assert "Mở thêm sổ" in page
    assert "Sổ chung: các loại chưa có sổ riêng" in page
    assert "Sổ Quyết định (QPPL)" in page
    assert "Số cuối năm 2026" in page
    assert '<td data-label="Số cuối năm 2026">01</td>' in page
    # when the clerk adds a register for Giấy mời
    response = client.post(URL, _new_series())
    # then it is stored in A with its type, and listed
    assert response.status_code == 302
    register = Register.objects.get(agency=cast.agency_a, name="Sổ Giấy mời")
    assert list(register.document_types.values_list("code", flat=True)) == ["giay-moi"]
    listing = _text(client.get(URL))
    assert "Đã thêm sổ “Sổ Giấy mời”." in listing
    assert "Giấy mời" in listing
    # when they rename it on its page
    edit = reverse("registry:catalogue_register_edit", args=[register.pk])
    form = _text(client.get(edit))
    assert "Lưu thay đổi" in form
    assert re.search(rf'value="{_type("giay-moi").pk}" id="[^"]+" checked', form)
    response = client.post(
        edit,
        {
            "name": "Sổ Giấy mời họp",
            "document_types": [str(_type("giay-moi").pk)],
            "is_active": "on",
        },
    )
    # then the name changed and its page shows the history
    assert response.status_code == 302
    register.refresh_from_db()
    assert register.name == "Sổ Giấy mời họp"
    history = _text(client.get(edit))
    assert "Lịch sử thay đổi" in history
    assert "Sổ Giấy mời họp" in history
    assert JournalEntry.objects.filter(
        action="registry.register.update", object_id=str(register.pk), actor_id=cast.clerk.pk
    ).exists()


def test_closing_and_reopening_from_the_list_with_htmx(client, cast):
    # given an unused register for Giấy mời
    client.force_login(cast.agency_admin)
    client.post(URL, _new_series())
    register = Register.objects.get(agency=cast.agency_a, name="Sổ Giấy mời")
    edit = reverse("registry:catalogue_register_edit", args=[register.pk])
    # when the administrator closes it from the list
    closed = client.post(edit, {"trang_thai": "dong"}, **HTMX)
    # then the list comes back with it marked closed, and it is kept
    assert closed.status_code == 200
    assert 'id="danh-muc-so"' in _text(closed)
    assert "<html" not in _text(closed)
    assert "Đã đóng sổ “Sổ Giấy mời”." in _text(closed)
    assert "Mở lại" in _text(closed)
    register.refresh_from_db()
    assert not register.is_active
    # when they reopen it without htmx
    assert client.post(edit, {"trang_thai": "mo"}).status_code == 302
    register.refresh_from_db()
    assert register.is_active


def test_a_change_that_breaks_the_years_series_is_explained_and_changes_nothing(client, cast):
    with time_machine.travel(NOV_2026, tick=False):
        # given a Giấy mời numbered this year in the general register
        _issue(cast, "giay-moi")
        before = _state()
        # when the clerk adds a register for Giấy mời
        client.force_login(cast.clerk)
        response = client.post(URL, _new_series())
    # then the form says why, and nothing is stored
    assert response.status_code == 200
    page = _text(response)
    assert "“Giấy mời” đã được cấp số trong năm 2026." in page
    assert _state() == before
    # and closing the general register from the list is refused with a message
    client.force_login(cast.clerk)
    general = Register.objects.get(agency=cast.agency_a, name="Sổ văn bản đi")
    edit = reverse("registry:catalogue_register_edit", args=[general.pk])
    refused = _text(client.post(edit, {"trang_thai": "dong"}, follow=True))
    assert "message--error" in refused
    assert "luôn có một sổ chung đang dùng" in refused
    assert _state() == before


def test_two_legal_normative_types_in_one_register_are_a_form_error(client, cast):
    client.force_login(cast.clerk)
    before = _state()
    response = client.post(
        URL,
        _new_series(
            name="Sổ QPPL",
            document_types=[str(_type("nghi-dinh").pk), str(_type("thong-tu").pk)],
        ),
    )
    assert response.status_code == 200
    assert "sổ này chỉ dành cho một loại văn bản QPPL" in _text(response)
    assert _state() == before


@pytest.mark.parametrize("persona", ["specialist", "leader", "archivist"])
def test_staff_who_are_not_clerks_or_admins_read_but_cannot_change(client, cast, persona):
    general = Register.objects.get(agency=cast.agency_a, name="Sổ văn bản đi")
    client.force_login(getattr(cast, persona))
    before = _state()
    # when they open the page, then they read the registers without the form or buttons
    page = _text(client.get(URL))
    assert "Sổ văn bản đi" in page
    assert "Mở thêm sổ" not in page
    assert "Đóng sổ" not in page
    # and their writes are refused, changing nothing
    edit = reverse("registry:catalogue_register_edit", args=[general.pk])
    assert client.post(URL, _new_series()).status_code == 403
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"trang_thai": "dong"}).status_code == 403
    assert _state() == before


@pytest.mark.parametrize("persona", ["outsider", "outsider_admin"])
def test_another_agencys_people_get_404_for_a_register(client, cast, persona):
    general = Register.objects.get(agency=cast.agency_a, name="Sổ văn bản đi")
    client.force_login(getattr(cast, persona))
    before = _state()
    edit = reverse("registry:catalogue_register_edit", args=[general.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"trang_thai": "dong"}).status_code == 404
    # and their own page lists their agency's registers, not A's
    page = client.get(URL)
    assert all(r.agency_id == cast.agency_b.pk for r in page.context["items"])
    assert _state() == before

"""The catalogue pages: subject areas (lĩnh vực) and the exchange policy table."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from vanthu.core.models import JournalEntry
from vanthu.registry.choices import ExchangeMode, Purpose
from vanthu.registry.fields import FieldData, field_create
from vanthu.registry.models import DocumentType, ExchangePolicyRule, Field
from vanthu.registry.policy import exchange_mode_for

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
EXPLANATION = "dòng đầu tiên khớp với văn bản quyết định"


def _text(response: Any) -> str:
    return response.content.decode()


def _state() -> dict[str, Any]:
    return {
        "fields": list(Field.objects.order_by("pk").values()),
        "rules": list(ExchangePolicyRule.objects.order_by("pk").values()),
        "journal": JournalEntry.objects.count(),
    }


def _a_field(cast: Any, name: str = "Công nghệ thông tin") -> Field:
    return field_create(actor=cast.actor(cast.clerk), data=FieldData(name=name, code="CNTT"))


def _giay_moi() -> DocumentType:
    return DocumentType.objects.get(code="giay-moi")


def _giay_moi_mode(cast: Any) -> ExchangeMode:
    mode, _rule = exchange_mode_for(
        agency_id=cast.agency_a.pk,
        document_type=_giay_moi(),
        purpose=Purpose.BETWEEN_AGENCIES,
        is_legal_normative=False,
        is_permanent_retention=False,
    )
    return mode


def _check_query() -> dict[str, Any]:
    return {"loai": _giay_moi().pk, "muc_dich": Purpose.BETWEEN_AGENCIES}


def _rule_post(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "priority": "5",
        "document_type": str(_giay_moi().pk),
        "purpose": "",
        "is_legal_normative": "",
        "is_permanent_retention": "",
        "mode": ExchangeMode.ELECTRONIC_AND_PAPER,
        "legal_basis": "Quy chế nội bộ: giấy mời gửi kèm bản giấy",
    }
    values.update(overrides)
    return values


# --- Subject areas --------------------------------------------------------------------------


def test_a_clerk_adds_renames_and_deactivates_a_field(client, cast):
    # given the clerk of A signed in
    client.force_login(cast.clerk)
    url = reverse("registry:catalogue_fields")
    page = _text(client.get(url))
    assert "Thêm lĩnh vực" in page
    # when they add a field
    response = client.post(url, {"name": "Bưu chính", "code": "BC"})
    # then it is stored in A and listed, with a message
    assert response.status_code == 302
    item = Field.objects.get(agency=cast.agency_a, name="Bưu chính")
    listing = _text(client.get(url))
    assert "Đã thêm lĩnh vực “Bưu chính”." in listing
    assert "Bưu chính" in listing
    # when they rename it on its page
    edit = reverse("registry:catalogue_field_edit", args=[item.pk])
    assert "Lưu thay đổi" in _text(client.get(edit))
    response = client.post(
        edit, {"name": "Bưu chính, viễn thông", "code": "BCVT", "is_active": "on"}
    )
    # then the name and code changed, still active, and the change is journalled
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.name, item.code, item.is_active) == ("Bưu chính, viễn thông", "BCVT", True)
    assert JournalEntry.objects.filter(
        action="registry.field.update", object_id=str(item.pk), actor_id=cast.clerk.pk
    ).exists()
    # and its page shows its history
    assert "Lịch sử thay đổi" in _text(client.get(edit))
    # when they deactivate it from the list (htmx swaps the list)
    response = client.post(
        edit, {"trang_thai": "ngung"}, HTTP_HX_TARGET="danh-muc-linh-vuc", **HTMX
    )
    # then it is kept, marked inactive, with the same name
    assert response.status_code == 200
    assert 'id="danh-muc-linh-vuc"' in _text(response)
    assert "Ngừng dùng" in _text(response)
    assert "Đã ngừng dùng lĩnh vực “Bưu chính, viễn thông”." in _text(response)
    item.refresh_from_db()
    assert (item.name, item.is_active) == ("Bưu chính, viễn thông", False)
    # when it is reactivated without htmx
    response = client.post(edit, {"trang_thai": "dung"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.is_active


def test_adding_with_htmx_returns_the_list_and_a_fresh_form(client, cast):
    # given the administrator of A signed in
    client.force_login(cast.agency_admin)
    # when they add a field through htmx
    response = client.post(
        reverse("registry:catalogue_fields"),
        {"name": "Tài chính", "code": ""},
        HTTP_HX_TARGET="danh-muc-linh-vuc",
        **HTMX,
    )
    # then the swapped part lists it, says so, and its form is empty again
    text = _text(response)
    assert response.status_code == 200
    assert "<html" not in text
    assert "Đã thêm lĩnh vực “Tài chính”." in text
    assert 'value="Tài chính"' not in text
    assert Field.objects.filter(agency=cast.agency_a, name="Tài chính").exists()


def test_a_duplicate_is_shown_on_the_form_and_nothing_is_stored(client, cast):
    # given A's "Công nghệ thông tin" and its clerk signed in
    _a_field(cast)
    client.force_login(cast.clerk)
    before = _state()
    # when the clerk adds it again without diacritics
    response = client.post(reverse("registry:catalogue_fields"), {"name": "cong nghe thong tin"})
    # then the form says which one exists, and nothing changed
    assert response.status_code == 200
    assert "Đã có lĩnh vực “Công nghệ thông tin”" in _text(response)
    assert _state() == before


def test_inactive_fields_are_listed_and_marked(client, cast):
    # given an inactive field of A
    item = _a_field(cast)
    Field.objects.filter(pk=item.pk).update(is_active=False)
    client.force_login(cast.specialist)
    # when a specialist opens the list
    text = _text(client.get(reverse("registry:catalogue_fields")))
    # then it is there, marked, and counted
    assert "Công nghệ thông tin" in text
    assert "Ngừng dùng" in text
    assert "trong đó 1 đã ngừng dùng" in text


@pytest.mark.parametrize("persona", ["specialist", "leader", "archivist"])
def test_staff_who_are_not_clerks_read_fields_but_cannot_edit(client, cast, persona):
    # given a field of A and a staff member of A who is not a clerk or admin
    item = _a_field(cast)
    client.force_login(getattr(cast, persona))
    before = _state()
    # when they open the list
    response = client.get(reverse("registry:catalogue_fields"))
    # then they read it, without an add form or edit links
    assert response.status_code == 200
    assert "Công nghệ thông tin" in _text(response)
    assert "Thêm lĩnh vực" not in _text(response)
    edit = reverse("registry:catalogue_field_edit", args=[item.pk])
    assert edit not in _text(response)
    # when they post a field, or open or post the edit page
    # then each is refused and nothing changed
    assert client.post(reverse("registry:catalogue_fields"), {"name": "X"}).status_code == 403
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"name": "X"}).status_code == 403
    assert client.post(edit, {"trang_thai": "ngung"}).status_code == 403
    assert _state() == before


@pytest.mark.parametrize("persona", ["outsider", "outsider_admin"])
def test_another_agencys_people_get_404_for_a_field(client, cast, persona):
    # given a field of A and a person of B signed in
    item = _a_field(cast)
    client.force_login(getattr(cast, persona))
    before = _state()
    edit = reverse("registry:catalogue_field_edit", args=[item.pk])
    # when they open or post its page
    # then it is not found, and B's list does not show it
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"name": "Của B"}).status_code == 404
    assert client.post(edit, {"trang_thai": "ngung"}).status_code == 404
    assert "Công nghệ thông tin" not in _text(client.get(reverse("registry:catalogue_fields")))
    assert _state() == before


# --- Exchange policy ------------------------------------------------------------------------


def test_the_policy_page_lists_lines_in_checking_order_with_the_rule_of_decision(client, cast):
    # given a specialist of A signed in
    client.force_login(cast.specialist)
    # when they open the table
    response = client.get(reverse("registry:catalogue_policy"))
    text = _text(response)
    # then the explanation is at the top and the lines are in checking order
    assert response.status_code == 200
    assert EXPLANATION in text
    assert "Điều 5.5" in text
    rules = list(ExchangePolicyRule.objects.filter(agency=cast.agency_a).order_by("priority"))
    positions = [text.index(f'id="dong-{rule.pk}"') for rule in rules]
    assert positions == sorted(positions)
    # and no edit controls
    assert "Thêm dòng" not in text
    assert reverse("registry:catalogue_policy_rule_edit", args=[rules[0].pk]) not in text


def test_the_check_says_which_line_decides(client, cast):
    # given a clerk of A signed in
    client.force_login(cast.clerk)
    # when they ask how a Giấy mời between agencies is sent (htmx)
    response = client.get(
        reverse("registry:catalogue_policy"),
        _check_query(),
        HTTP_HX_TARGET="ket-qua-kiem-tra",
        **HTMX,
    )
    # then the Điều 4.1.b line decides: electronic only
    text = _text(response)
    rule = ExchangePolicyRule.objects.get(agency=cast.agency_a, document_type=_giay_moi())
    assert "<html" not in text
    assert "Hoàn toàn dưới dạng điện tử" in text
    assert f'href="#dong-{rule.pk}"' in text
    # when it is a legal normative document
    response = client.get(reverse("registry:catalogue_policy"), {**_check_query(), "qppl": "on"})
    # then Điều 5.1 decides: electronic and paper
    assert "Điện tử và bản giấy" in _text(response)
    assert "QĐ 22/2017 Điều 5.1" in _text(response)


def test_an_agency_admin_adds_edits_and_deletes_a_line_and_the_decision_follows(client, cast):
    # given the administrator of A signed in; a Giấy mời goes electronic only (Điều 4.1.b)
    client.force_login(cast.agency_admin)
    url = reverse("registry:catalogue_policy")
    assert "Thêm dòng" in _text(client.get(url))
    assert _giay_moi_mode(cast) == ExchangeMode.ELECTRONIC_ONLY
    # when they add a line requiring paper for every Giấy mời, checked first
    response = client.post(url, _rule_post())
    # then it is stored, and the Giấy mời now goes with paper, as the page's check shows
    assert response.status_code == 302
    rule = ExchangePolicyRule.objects.get(agency=cast.agency_a, priority=5)
    assert _giay_moi_mode(cast) == ExchangeMode.ELECTRONIC_AND_PAPER
    check = _text(client.get(url, _check_query()))
    assert "Điện tử và bản giấy" in check
    assert "Quy chế nội bộ: giấy mời gửi kèm bản giấy" in check
    # when they edit the line to electronic only
    edit = reverse("registry:catalogue_policy_rule_edit", args=[rule.pk])
    assert "Lưu thay đổi" in _text(client.get(edit))
    response = client.post(edit, _rule_post(mode=ExchangeMode.ELECTRONIC_ONLY, priority="6"))
    # then the decision follows
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.priority, rule.mode) == (6, ExchangeMode.ELECTRONIC_ONLY)
    # when they make it paper again and delete it
    client.post(edit, _rule_post())
    assert _giay_moi_mode(cast) == ExchangeMode.ELECTRONIC_AND_PAPER
    response = client.post(reverse("registry:catalogue_policy_rule_delete", args=[rule.pk]))
    # then it is gone, the seeded line decides again, and every step is journalled
    assert response.status_code == 302
    assert not ExchangePolicyRule.objects.filter(pk=rule.pk).exists()
    assert _giay_moi_mode(cast) == ExchangeMode.ELECTRONIC_ONLY
    actions = list(
        JournalEntry.objects.filter(object_id=str(rule.pk), actor_id=cast.agency_admin.pk)
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "registry.exchange_policy_rule.create",
        "registry.exchange_policy_rule.update",
        "registry.exchange_policy_rule.update",
        "registry.exchange_policy_rule.delete",
    ]


def test_the_policy_edit_form_shows_the_stored_conditions(client, cast):
    # given the Điều 5.1 line (legal normative: yes) and the admin signed in
    rule = ExchangePolicyRule.objects.get(agency=cast.agency_a, legal_basis="QĐ 22/2017 Điều 5.1")
    client.force_login(cast.agency_admin)
    # when they open it
    text = _text(client.get(reverse("registry:catalogue_policy_rule_edit", args=[rule.pk])))
    # then "Có" is selected for QPPL and the basis is filled in
    assert '<option value="co" selected>Có</option>' in text
    assert 'value="QĐ 22/2017 Điều 5.1"' in text


def test_a_bad_line_is_shown_on_the_form_and_nothing_is_stored(client, cast):
    # given the admin of A signed in
    client.force_login(cast.agency_admin)
    before = _state()
    # when a line without a legal basis is added (htmx)
    response = client.post(
        reverse("registry:catalogue_policy"),
        _rule_post(legal_basis="   "),
        HTTP_HX_TARGET="bang-trao-doi",
        **HTMX,
    )
    # then the form says so and nothing changed
    assert response.status_code == 200
    assert 'id="bang-trao-doi"' in _text(response)
    assert "errorlist" in _text(response)
    assert _state() == before


def test_an_htmx_delete_sends_the_browser_back_to_the_table(client, cast):
    # given a line of A and its admin signed in
    rule = ExchangePolicyRule.objects.filter(agency=cast.agency_a).first()
    assert rule is not None
    client.force_login(cast.agency_admin)
    # when the table's delete button is used
    response = client.post(reverse("registry:catalogue_policy_rule_delete", args=[rule.pk]), **HTMX)
    # then the line is gone and htmx is told to load the table
    assert response["HX-Redirect"] == reverse("registry:catalogue_policy")
    assert not ExchangePolicyRule.objects.filter(pk=rule.pk).exists()


@pytest.mark.parametrize("persona", ["specialist", "clerk", "leader"])
def test_staff_who_are_not_admins_read_the_policy_but_get_403_on_edits(client, cast, persona):
    # given a line of A and a staff member who is not its admin
    rule = ExchangePolicyRule.objects.filter(agency=cast.agency_a).first()
    assert rule is not None
    client.force_login(getattr(cast, persona))
    before = _state()
    # when they read the table
    assert client.get(reverse("registry:catalogue_policy")).status_code == 200
    # when they add, open, change or delete a line
    # then each is refused, and nothing changed
    edit = reverse("registry:catalogue_policy_rule_edit", args=[rule.pk])
    assert client.post(reverse("registry:catalogue_policy"), _rule_post()).status_code == 403
    assert client.get(edit).status_code == 403
    assert client.post(edit, _rule_post()).status_code == 403
    delete = reverse("registry:catalogue_policy_rule_delete", args=[rule.pk])
    assert client.post(delete).status_code == 403
    assert _state() == before


@pytest.mark.parametrize("persona", ["outsider", "outsider_admin"])
def test_another_agencys_people_get_404_for_a_line(client, cast, persona):
    # given a line of A and a person of B (the admin of B manages B's own table)
    rule = ExchangePolicyRule.objects.filter(agency=cast.agency_a).first()
    assert rule is not None
    client.force_login(getattr(cast, persona))
    before = _state()
    # when they open, change or delete it
    # then it is not found, and nothing changed
    edit = reverse("registry:catalogue_policy_rule_edit", args=[rule.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, _rule_post()).status_code == 404
    delete = reverse("registry:catalogue_policy_rule_delete", args=[rule.pk])
    assert client.post(delete).status_code == 404
    assert _state() == before
    # and their own table does not show A's lines
    text = _text(client.get(reverse("registry:catalogue_policy")))
    assert f'id="dong-{rule.pk}"' not in text


def test_with_no_line_matching_article_5_5_applies(client, cast):
    # given A's table emptied by its admin
    ExchangePolicyRule.objects.filter(agency=cast.agency_a).delete()
    client.force_login(cast.agency_admin)
    # when the table is read and a Giấy mời is checked
    text = _text(client.get(reverse("registry:catalogue_policy"), _check_query()))
    # then the page says the law's Điều 5.5 decides
    assert "Bảng chưa có dòng nào" in text
    assert "Không dòng nào của bảng khớp: áp dụng QĐ 22/2017 Điều 5.5." in text


def test_pages_need_sign_in(client, cast):
    # given nobody signed in
    # when the catalogue pages are opened
    # then they redirect to sign-in
    for name in ("registry:catalogue_fields", "registry:catalogue_policy"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert "?next=" in response["Location"]

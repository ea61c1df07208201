"""In a real browser: an agency administrator adds a unit and a person; outsiders get 404."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import sign_in
from vanthu.organizations.models import Person, RoleGrant, Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


def _fits_the_screen(page: Page) -> bool:
    return bool(
        page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )


def test_agency_admin_adds_a_unit_and_a_person(page: Page, live_server, cast):
    # given the administrator of agency A, signed in on the unit list
    sign_in(page, live_server.url, "/co-quan/don-vi/", "quantri.a")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Đơn vị của Sở Thông tin và Truyền thông"
    )

    # when they add a unit under the office
    page.get_by_role("link", name="Thêm đơn vị").click()
    page.get_by_label("Tên đơn vị").fill("Phòng Chuyển đổi số")
    page.get_by_label("Ký hiệu").fill("cds")
    page.get_by_label("Đơn vị cấp trên").select_option(label="Văn phòng Sở (VP)")
    page.get_by_role("button", name="Thêm đơn vị").click()

    # then the unit page greets it, and the tree lists it under the office
    expect(page.get_by_role("heading", level=1)).to_have_text("Phòng Chuyển đổi số")
    expect(page.get_by_text("Đã tạo đơn vị “Phòng Chuyển đổi số”.")).to_be_visible()
    expect(page.locator("#lich-su")).to_contain_text("Tạo đơn vị")
    page.get_by_role("navigation", name="Vị trí trang").get_by_role("link", name="Đơn vị").click()
    row = page.locator("tr", has_text="Phòng Chuyển đổi số")
    expect(row).to_contain_text("CDS")
    expect(row.locator(".unit-tree__name")).to_have_attribute("style", "--depth: 1")

    # when they add a person with a role in that unit, and a second role row through htmx
    page.get_by_role("link", name="Cán bộ", exact=True).first.click()
    page.get_by_role("link", name="Thêm cán bộ").click()
    page.get_by_label("Tên đăng nhập").fill("nguyen.chuyendoi")
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Chuyển Đổi")
    page.get_by_label("Thư điện tử công vụ").fill("chuyendoi@khanhhoa.gov.vn")
    page.get_by_label("Điện thoại").fill("0258 3822 111")
    page.locator("#id_password1").fill("Mat-khau-ban-dau-2026!")
    page.get_by_label("Nhập lại mật khẩu").fill("Mat-khau-ban-dau-2026!")
    page.locator('select[name="vai_tro-0-role"]').select_option(label="Chuyên viên")
    page.locator('select[name="vai_tro-0-unit"]').select_option(label="Phòng Chuyển đổi số (CDS)")
    page.get_by_role("button", name="+ Thêm dòng vai trò").click()
    page.locator('select[name="vai_tro-1-role"]').select_option(label="Văn thư")
    page.locator('select[name="vai_tro-1-unit"]').select_option(label="Văn phòng Sở (VP)")
    expect(page.locator("#id_vai_tro-TOTAL_FORMS")).to_have_value("2")
    page.get_by_role("button", name="Tạo tài khoản").click()

    # then the person page shows the roles and the journal shows the creation
    expect(page.get_by_role("heading", level=1)).to_have_text("Nguyễn Thị Chuyển Đổi")
    roles = page.locator("#vai-tro")
    expect(roles).to_contain_text("Chuyên viên — Phòng Chuyển đổi số")
    expect(roles).to_contain_text("Văn thư — Văn phòng Sở")
    journal = page.locator("#lich-su")
    expect(journal).to_contain_text("Tạo tài khoản cán bộ")
    expect(journal).to_contain_text("bởi Huỳnh Quản Trị")
    expect(journal.locator(".journal__item")).to_have_count(3)
    person = Person.objects.get(username="nguyen.chuyendoi")
    unit = Unit.objects.get(short_name="CDS")
    assert RoleGrant.objects.filter(person=person, unit=unit, role="specialist").exists()

    # when a role is added on the person page (htmx: the page is not reloaded)
    page.evaluate("window.__khong_tai_lai = true")
    roles.locator('select[name="them-role"]').select_option(label="Lưu trữ")
    roles.get_by_role("button", name="Thêm vai trò").click()
    # then the roles and the journal are swapped in place
    expect(roles).to_contain_text("Đã thêm vai trò.")
    expect(roles.locator(".grant-list__item")).to_have_count(3)
    expect(journal.locator(".journal__item")).to_have_count(4)
    assert page.evaluate("window.__khong_tai_lai") is True

    # the person page at desktop and phone width
    page.set_viewport_size(DESKTOP)
    page.screenshot(path="/tmp/vanthu-person-desktop.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path="/tmp/vanthu-person-phone.png", full_page=True)
    assert _fits_the_screen(page), page.evaluate(
        "[...document.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > "
        "document.documentElement.clientWidth).map(e => e.tagName + '.' + e.className)"
        ".slice(0, 15).join(' | ')"
    )

    # and the list finds the person by a search typed without reloading
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/co-quan/can-bo/")
    expect(page.locator("#ket-qua")).to_contain_text("Nguyễn Thị Chuyển Đổi")
    page.get_by_label("Tìm kiếm").fill("Chuyển Đổi")
    expect(page.locator("#ket-qua tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=Chuy"))
    page.get_by_label("Tìm kiếm").fill("")
    expect(page.locator("#ket-qua tbody tr")).to_have_count(
        Person.objects.filter(agency=cast.agency_a, is_active=True).count()
    )
    page.screenshot(path="/tmp/vanthu-person-list-desktop.png", full_page=True)
    page.set_viewport_size(PHONE)
    assert _fits_the_screen(page)
    page.screenshot(path="/tmp/vanthu-person-list-phone.png", full_page=True)


def test_clerk_of_agency_a_gets_404_for_a_person_of_agency_b(page: Page, live_server, cast):
    # given a clerk of agency A, signed in
    path = f"/co-quan/can-bo/{cast.outsider.pk}/"
    sign_in(page, live_server.url, path, "vanthu.a")
    # when they open the page of a person of agency B (straight after signing in)
    response = page.goto(live_server.url + path)
    # then it is "not found", in Vietnamese, and names nobody
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Không tìm thấy trang")
    expect(page.get_by_text("Trang hoặc hồ sơ bạn tìm không tồn tại")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Ngô Văn Ngoài")

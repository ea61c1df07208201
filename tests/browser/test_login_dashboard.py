"""In a real browser: a demo clerk signs in, the phone layout works, a lockout reads clearly."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from vanthu.core.actor import Actor
from vanthu.organizations.demo import DEMO_PASSWORD, load_demo_data
from vanthu.organizations.models import Person
from vanthu.organizations.tests.factories import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


def _sign_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + "/")
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next=/$"))
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def test_a_demo_clerk_signs_in_and_sees_the_vietnamese_dashboard(page: Page, live_server):
    # given
    load_demo_data(actor=Actor.system())
    clerk = Person.objects.get(username="vanthu.stttt")
    # when
    _sign_in(page, live_server.url, "vanthu.stttt", DEMO_PASSWORD)
    # then
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổng quan")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator(".user-box__name")).to_have_text(clerk.full_name)
    expect(page.locator(".user-box__roles")).to_contain_text("Văn thư")
    expect(page.get_by_role("heading", name="Văn thư", level=3)).to_be_visible()
    expect(page.locator(".brand__agency")).to_have_text("Sở Thông tin và Truyền thông")
    page.screenshot(path="/tmp/vanthu-dashboard-desktop.png", full_page=True)


def test_the_navigation_folds_and_works_at_phone_width(page: Page, live_server, cast):
    # given
    page.set_viewport_size(PHONE)
    _sign_in(page, live_server.url, "quantri.a", DEFAULT_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổng quan")
    toggle = page.get_by_role("button", name="Trình đơn")
    account_link = page.get_by_role("link", name="Tài khoản", exact=True)
    # then: folded, and nothing wider than the screen
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(account_link).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path="/tmp/vanthu-dashboard-phone.png", full_page=True)
    # when
    toggle.click()
    # then
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(account_link).to_be_visible()
    page.screenshot(path="/tmp/vanthu-nav-phone-open.png")
    account_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đổi mật khẩu")


def test_a_locked_out_person_sees_the_vietnamese_lockout_page(
    page: Page, live_server, cast, settings
):
    # given
    settings.AXES_FAILURE_LIMIT = 2
    _sign_in(page, live_server.url, "vanthu.a", "sai-mat-khau")
    expect(page.get_by_role("alert")).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    # when
    page.get_by_label("Tên đăng nhập").fill("vanthu.a")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    # then
    expect(page.get_by_role("heading", level=1)).to_have_text("Tài khoản tạm thời bị khóa")
    expect(page.get_by_text("Vui lòng thử lại sau 15 phút.")).to_be_visible()
    page.screenshot(path="/tmp/vanthu-lockout.png")

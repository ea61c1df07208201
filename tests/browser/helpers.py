"""Helpers shared by the browser tests."""

from __future__ import annotations

import re
import threading

from playwright.sync_api import Page, expect

from vanthu.core.tests.worker import run_queued_tasks
from vanthu.organizations.tests.factories import DEFAULT_PASSWORD


def run_worker() -> None:
    """Run the queued tasks as `vanthu worker` would, in a thread of its own (Playwright's
    event loop runs in the test's thread, and pyHanko runs its own)."""
    failures: list[BaseException] = []

    def work() -> None:
        try:
            run_queued_tasks("browser-test")
        except BaseException as exc:  # reported in the test's thread
            failures.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=120)
    assert not failures, failures


def sign_in(page: Page, base_url: str, path: str, username: str) -> None:
    """Sign in afresh as `username` on the login page that guards `path`.

    The page is left first: a request still running (an htmx poll, a file loading in its
    viewer) would set the session cookie again after it is cleared, since the session is saved
    on every request.
    """
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto(base_url + path)
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next="))
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

"""Browser tests: Playwright driving the Debian Chromium against pytest-django's live server.

Skipped where Chromium is missing, failed instead under CI (root conftest `require_component`).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserType, Playwright, sync_playwright

from conftest import require_component
from vanthu.signatures.keys import KeyData, signing_key_register
from vanthu.signatures.tests.fixtures import TOKEN_PIN

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# The network is closed here: without these flags Chromium keeps retrying refused connections.
CHROMIUM_ARGS = [
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


# Playwright's sync API keeps an event loop running in the main thread while it is started, and
# pyHanko's sync calls (asyncio.run) fail under a running loop. pytest-playwright starts it for
# the whole session; here it lives for one test module only, so the tests that a worker
# (pytest-xdist) runs after a browser module sign PDFs as usual.


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    started = sync_playwright().start()
    yield started
    started.stop()


@pytest.fixture(scope="module")
def browser_type(playwright: Playwright, browser_name: str) -> BrowserType:
    return getattr(playwright, browser_name)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def browser(browser_type: BrowserType, browser_type_launch_args) -> Iterator[Browser]:
    launched = browser_type.launch(**browser_type_launch_args)
    yield launched
    launched.close()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch the system Chromium (never a downloaded one)."""
    require_component(shutil.which("chromium") is not None, "Chromium (apt install chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="module")
def browser_context_args():
    """Open pages as a Vietnamese user in Khánh Hòa would (no device, video or base URL)."""
    return {
        "locale": "vi-VN",
        "timezone_id": "Asia/Ho_Chi_Minh",
        "viewport": {"width": 1280, "height": 900},
    }


AGENCY_PIN_ENV = "VANTHU_BROWSER_AGENCY_PIN"


@pytest.fixture
def keys(cast, settings, pki, token_keys, monkeypatch, signature_png, seal_png):
    """Declare SoftHSM2 keys: the leader's (PIN typed in the page) and the agency's (PIN from
    the environment, as a server keeps it)."""
    settings.TEST_PKI_DIR = str(pki.directory)
    settings.TSA_URL = ""
    monkeypatch.setenv(AGENCY_PIN_ENV, TOKEN_PIN)
    admin = cast.actor(cast.agency_admin)
    signing_key_register(
        actor=admin,
        data=KeyData(
            token_label=token_keys["leader"].token_label,
            key_label=token_keys["leader"].key_label,
            pin=TOKEN_PIN,
            person_id=cast.leader.pk,
            image=signature_png,
        ),
    )
    signing_key_register(
        actor=admin,
        data=KeyData(
            token_label=token_keys["agency"].token_label,
            key_label=token_keys["agency"].key_label,
            pin=TOKEN_PIN,
            pin_env=AGENCY_PIN_ENV,
            image=seal_png,
        ),
    )

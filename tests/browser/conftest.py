"""Browser tests: Playwright driving the Debian Chromium against pytest-django's live server.

Skipped where Chromium is missing, failed instead under CI (root conftest `require_component`).
"""

from __future__ import annotations

import shutil

import pytest

from conftest import require_component

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# The network is closed here: without these flags Chromium keeps retrying refused connections.
CHROMIUM_ARGS = [
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch the system Chromium (never a downloaded one)."""
    require_component(shutil.which("chromium") is not None, "Chromium (apt install chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Open pages as a Vietnamese user in Khánh Hòa would."""
    return {
        **browser_context_args,
        "locale": "vi-VN",
        "timezone_id": "Asia/Ho_Chi_Minh",
        "viewport": {"width": 1280, "height": 900},
    }

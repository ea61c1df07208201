"""Fixtures shared by the exchange's tests."""

from __future__ import annotations

import pytest

from vanthu.exchange.models import Partner
from vanthu.exchange.tests.scenarios import partner_create


@pytest.fixture
def partner(cast) -> Partner:
    """The partner system the test plays (`scenarios.partner_create`), after the cast."""
    return partner_create()

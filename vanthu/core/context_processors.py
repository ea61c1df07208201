"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def vanthu(request: HttpRequest) -> dict[str, Any]:
    """Expose the acting actor and the demo flag to templates."""
    return {
        "actor": getattr(request, "actor", None),
        "is_demo": settings.DEMO,
        "province_name": settings.PROVINCE_NAME,
    }

"""Reads owned by core: the holiday overrides, which are public to every signed-in user."""

from __future__ import annotations

from django.db.models import QuerySet

from vanthu.core.models import HolidayOverride


def holiday_override_list(*, year: int) -> QuerySet[HolidayOverride]:
    """Return the overrides of one calendar year, in date order."""
    return HolidayOverride.objects.filter(date__year=year).order_by("date")

"""Django admin for core: holiday overrides (through the services) and the journal, read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from vanthu.core.actor import Actor
from vanthu.core.calendar import public_holiday_is_working_day
from vanthu.core.errors import PermissionDenied, ValidationFailed
from vanthu.core.models import HolidayOverride, JournalEntry
from vanthu.core.services import (
    holiday_override_clean,
    holiday_override_delete,
    holiday_override_set,
)

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def _actor(request: HttpRequest) -> Actor:
    # Core may not import organizations (import-linter), so the admin builds the actor itself.
    user = request.user
    return Actor(
        person_id=user.pk,
        name=str(user),
        agency_id=None,
        is_system_admin=bool(user.is_superuser),
        ip_address=request.META.get("REMOTE_ADDR"),
    )


class YearFilter(admin.SimpleListFilter):
    """Filter the overrides by calendar year."""

    title = "năm"
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        years = HolidayOverride.objects.dates("date", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[HolidayOverride]
    ) -> QuerySet[HolidayOverride]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


class HolidayOverrideForm(forms.ModelForm):  # type: ignore[type-arg]
    """The admin form, validated by the same rules as the service."""

    class Meta:
        model = HolidayOverride
        fields = ["date", "kind", "name"]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if self.errors:
            return cleaned
        date = cleaned.get("date", self.instance.date)
        try:
            _, _, cleaned["name"] = holiday_override_clean(
                date=date, kind=cleaned.get("kind", ""), name=cleaned.get("name", "")
            )
        except ValidationFailed as error:
            raise ValidationError(dict(error.fields)) from error
        return cleaned


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Overrides of the working calendar; every write goes through the journalled services."""

    form = HolidayOverrideForm
    list_display = ("date", "weekday", "kind", "name", "package_view")
    list_filter = (YearFilter, "kind")
    date_hierarchy = "date"
    search_fields = ("name",)
    ordering = ("-date",)

    @admin.display(description="thứ")
    def weekday(self, obj: HolidayOverride) -> str:
        return WEEKDAYS[obj.date.weekday()]

    @admin.display(description="theo lịch nghỉ lễ chung")
    def package_view(self, obj: HolidayOverride) -> str:
        return "Làm việc" if public_holiday_is_working_day(obj.date) else "Nghỉ"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The service keys an override by its date: to move one, delete it and add another.
        return ("date",) if obj is not None else ()

    def _is_system_admin(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._is_system_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_system_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_system_admin(request)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        try:
            saved = holiday_override_set(
                actor=_actor(request), date=obj.date, kind=obj.kind, name=obj.name
            )
        except PermissionDenied as error:
            raise DjangoPermissionDenied(error.message) from error
        obj.pk = saved.pk  # the admin's own log and redirect need the stored row

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        try:
            holiday_override_delete(actor=_actor(request), date=obj.date)
        except PermissionDenied as error:
            raise DjangoPermissionDenied(error.message) from error

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[HolidayOverride]) -> None:
        for override in queryset:
            self.delete_model(request, override)


@admin.register(JournalEntry)
class JournalEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The audit journal, to read only: it is append-only (ADR 0004)."""

    list_display = ("created_at", "chain", "seq", "action", "actor_name", "object_repr")
    list_filter = ("action", "chain")
    search_fields = ("object_repr", "actor_name")
    ordering = ("-created_at", "-seq")
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

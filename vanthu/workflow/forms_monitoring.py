"""The query of the monitoring pages (/xu-ly/theo-doi/): scope, unit, person, period, group."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from vanthu.workflow.monitoring import GROUP_LABELS, SCOPE_LABELS, Group, Scope, period_error

DATE_HELP = "dạng dd/mm/yyyy, ví dụ 01/11/2026"
# Ids are 64-bit: a larger number is refused here rather than by the database.
MAX_ID = 2**63 - 1


def _id_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=1,
        max_value=MAX_ID,
        error_messages={
            "invalid": f"{label}: mã phải là một số nguyên dương.",
            "min_value": f"{label}: mã phải là một số nguyên dương.",
            "max_value": f"{label}: mã không hợp lệ.",
        },
    )


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%d/%m/%Y"],
        error_messages={"invalid": f"{label}: ngày không hợp lệ ({DATE_HELP})."},
    )


class MonitoringQueryForm(forms.Form):
    """Parse the query string; `nhom` is only read by the list of documents."""

    pham_vi = forms.ChoiceField(
        label="Phạm vi",
        required=False,
        choices=[(s.value, label) for s, label in SCOPE_LABELS.items()],
        error_messages={
            "invalid_choice": "Phạm vi không hợp lệ: chọn agency (cơ quan), unit (đơn vị) "
            "hoặc person (cá nhân)."
        },
    )
    don_vi = _id_field("Đơn vị")
    can_bo = _id_field("Cán bộ")
    tu_ngay = _date_field("Từ ngày")
    den_ngay = _date_field("Đến ngày")
    nhom = forms.ChoiceField(
        label="Nhóm",
        required=False,
        choices=[(g.value, label) for g, label in GROUP_LABELS.items()],
        error_messages={
            "invalid_choice": "Nhóm không hợp lệ: chọn một trong "
            + ", ".join(g.value for g in Group)
            + "."
        },
    )
    sau = forms.CharField(required=False, max_length=500)

    def __init__(self, *args: Any, require_group: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if require_group:
            self.fields["nhom"].required = True
            self.fields["nhom"].error_messages["required"] = "Thiếu nhóm văn bản cần xem (nhom)."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: date | None = data.get("tu_ngay")
        end: date | None = data.get("den_ngay")
        if start and end:
            error = period_error(start, end)
            if error:
                self.add_error("den_ngay", error)
        return data

    @property
    def scope(self) -> Scope | None:
        value = self.cleaned_data.get("pham_vi")
        return Scope(value) if value else None

    @property
    def group(self) -> Group | None:
        value = self.cleaned_data.get("nhom")
        return Group(value) if value else None

    def messages(self) -> list[str]:
        """Return every error as one Vietnamese sentence each."""
        return [str(message) for errors in self.errors.values() for message in errors]

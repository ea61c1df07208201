"""Forms of presenting, directing and handling (Vietnamese; the services check everything)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from vanthu.registry.forms import MultipleFileField, RegistryForm, date_field
from vanthu.workflow.choices import AssignmentRole
from vanthu.workflow.handling import AssigneeData

Choices = Sequence[tuple[str, str]]


def parse_target(value: str, role: str) -> AssigneeData:
    """Turn "unit:12" or "person:34" into an assignee line."""
    kind, _, raw = value.partition(":")
    if not raw.isdigit() or kind not in ("unit", "person"):
        raise forms.ValidationError("Lựa chọn không hợp lệ.")
    number = int(raw)
    if kind == "unit":
        return AssigneeData(role, unit_id=number)
    return AssigneeData(role, person_id=number)


class SubmitForm(RegistryForm):
    """The clerk presents the document to a leader."""

    leader = forms.TypedChoiceField(label="Trình lãnh đạo", coerce=int)
    note = forms.CharField(
        label="Ghi chú", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, leaders: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].choices = list(leaders)  # type: ignore[attr-defined]


class DirectionForm(RegistryForm):
    """The leader's direction: a note, one lead, co-handlers, people to inform, a due date."""

    note = forms.CharField(
        label="Ý kiến chỉ đạo",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    lead = forms.ChoiceField(label="Chủ trì")
    co = forms.MultipleChoiceField(label="Phối hợp", required=False)
    info = forms.MultipleChoiceField(label="Để biết", required=False)
    due_working_days = forms.IntegerField(
        label="Hạn xử lý (số ngày làm việc)", min_value=1, max_value=365, required=False
    )
    due_date = date_field("hoặc hạn xử lý (ngày)", required=False)

    def __init__(self, *args: Any, targets: Choices = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("lead", "co", "info"):
            self.fields[name].choices = list(targets)  # type: ignore[attr-defined]
        self.fields["lead"].choices = [("", "— Chọn đơn vị hoặc người chủ trì —"), *targets]  # type: ignore[attr-defined]

    def assignees(self) -> list[AssigneeData]:
        """Return the lines of the direction, lead first."""
        data = self.cleaned_data
        lines = [parse_target(data["lead"], AssignmentRole.LEAD)]
        lines += [parse_target(v, AssignmentRole.CO) for v in data["co"]]
        lines += [parse_target(v, AssignmentRole.INFO) for v in data["info"]]
        return lines


class DelegateForm(RegistryForm):
    """Pass the work down: one person (or unit) in the same role."""

    target = forms.ChoiceField(label="Giao cho")
    note = forms.CharField(
        label="Nội dung giao",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    due_date = date_field("Hạn xử lý", required=False)

    def __init__(self, *args: Any, targets: Choices = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = list(targets)  # type: ignore[attr-defined]


class NoteForm(RegistryForm):
    """A note: progress, result, reason to return, question to co-handlers."""

    note = forms.CharField(
        label="Nội dung", max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProgressForm(NoteForm):
    """Progress with working files."""

    uploads = MultipleFileField(label="Tệp", required=False)


class CompleteForm(NoteForm):
    """Complete with a result; the reply (an outgoing document) may be linked."""

    reply = forms.TypedChoiceField(
        label="Văn bản trả lời", coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, replies: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reply"].choices = [("", "— Không có —"), *replies]  # type: ignore[attr-defined]


class ExtensionForm(RegistryForm):
    """Ask for a later due date."""

    requested_due = date_field("Gia hạn đến")
    reason = forms.CharField(
        label="Lý do", max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(RegistryForm):
    """Grant or refuse an extension."""

    approve = forms.TypedChoiceField(
        label="Quyết định",
        coerce=lambda v: v == "1",
        choices=[("1", "Đồng ý"), ("0", "Không đồng ý")],
    )
    note = forms.CharField(label="Ý kiến", required=False, max_length=4000)

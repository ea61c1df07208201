"""Forms of the drafting pages: they parse input; `workflow.drafting` holds the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from vanthu.registry.forms import Choices, OutgoingForm, RegistryForm, id_choice, set_choices
from vanthu.workflow.drafting import MAX_STEPS, REVIEW_ROLE_LABELS

TEXT_ACCEPT = ".docx,.odt,.pdf"


class DraftForm(OutgoingForm):
    """Start a draft: the fields of the outgoing form, with one text file (DOCX, ODT or PDF)."""

    answers = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        text = self.fields["text_files"]
        text.label = "Tệp dự thảo"
        text.help_text = "Một tệp DOCX, ODT hoặc PDF; các phiên bản sau tải lên ở trang dự thảo."
        text.widget.attrs["accept"] = TEXT_ACCEPT


class DraftVersionForm(RegistryForm):
    """Upload a new version of the draft's text."""

    upload = forms.FileField(
        label="Tệp phiên bản mới",
        help_text="DOCX, ODT hoặc PDF. Phiên bản trước vẫn được giữ.",
        widget=forms.ClearableFileInput(attrs={"accept": TEXT_ACCEPT}),
    )


class DraftNoteForm(RegistryForm):
    """A note with a step (submit, approve, return) or a comment."""

    note = forms.CharField(
        label="Ý kiến",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


STEP_CHOICES = [("", "— Không có —"), *REVIEW_ROLE_LABELS.items()]


class ReviewRouteForm(RegistryForm):
    """The review steps of a document type (or of every other type), in order."""

    document_type = id_choice("Loại văn bản", "— Mọi loại văn bản chưa có quy trình riêng —")

    def __init__(self, *args: Any, document_types: Choices = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(
            self,
            "document_type",
            document_types,
            "— Mọi loại văn bản chưa có quy trình riêng —",
        )
        for index in range(1, MAX_STEPS + 1):
            self.fields[f"step_{index}"] = forms.ChoiceField(
                label=f"Bước {index}",
                choices=STEP_CHOICES,
                required=index == 1,
                initial=("unit_head", "leader")[index - 1] if index <= 2 else "",
            )

    def steps(self) -> list[str]:
        """Return the chosen steps in order, the empty ones left out."""
        return [
            str(self.cleaned_data[f"step_{i}"])
            for i in range(1, MAX_STEPS + 1)
            if self.cleaned_data.get(f"step_{i}")
        ]

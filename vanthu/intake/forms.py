"""Forms of the intake pages: they parse input; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from vanthu.intake.suggest import Suggested, Suggestion
from vanthu.registry.forms import IncomingForm

# Suggestion fields → fields of the registry's incoming form.
FORM_FIELDS = {
    "sender_name": "sender_name",
    "number": "number",
    "notation": "notation",
    "document_date": "document_date",
    "document_type": "document_type",
    "summary": "summary",
    "signer_name": "signer_name",
    "signer_position": "signer_position",
    "urgency": "urgency",
}


class IntakeUploadForm(forms.Form):
    """Upload one received or scanned file."""

    label_suffix = ""
    upload = forms.FileField(
        label="Tệp văn bản",
        help_text="PDF, DOCX, ODT hoặc ảnh quét (JPEG, PNG, TIFF); tệp được lưu nguyên vẹn.",
        error_messages={"required": "Chọn tệp cần nhập.", "empty": "Tệp rỗng (0 byte)."},
    )
    kind = forms.ChoiceField(
        label="Hình thức nhận",
        choices=[
            ("", "Tự nhận biết (ảnh là bản quét)"),
            ("dien-tu", "Văn bản điện tử"),
            ("ban-quet", "Văn bản giấy (bản quét)"),
        ],
        required=False,
        widget=forms.RadioSelect,
    )

    def is_scan(self) -> bool | None:
        """Return the chosen channel as `is_scan` (None: decided from the file type)."""
        kind = self.cleaned_data.get("kind") or ""
        return {"dien-tu": False, "ban-quet": True}.get(kind)


def confidence_note(found: Suggested) -> str:
    """Return the help text that marks a field as suggested."""
    percent = str(round(100 * found.confidence))
    return "Gợi ý từ tệp (độ tin cậy " + percent + "%) — kiểm tra, sửa nếu cần."


def prefilled_initial(payload: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Suggested]]:
    """Return the form's initial values and the suggestion behind each of them."""
    suggestion = Suggestion.from_dict(payload)
    initial: dict[str, Any] = {}
    marks: dict[str, Suggested] = {}
    for name, form_name in FORM_FIELDS.items():
        found = getattr(suggestion, name)
        if found is None or not found.value:
            continue
        value: Any = found.value
        if name == "document_date":
            year, month, day = value.split("-")
            value = f"{day}/{month}/{year}"
        if name == "document_type":
            value = payload.get("document_type_id")
            if value is None:
                continue
        if name == "urgency" and value == "normal":
            continue
        initial[form_name] = value
        marks[form_name] = found
    if payload.get("sender_agency_id"):
        initial["sender_agency"] = payload["sender_agency_id"]
    return initial, marks


def mark_suggested(form: IncomingForm, marks: dict[str, Suggested]) -> None:
    """Mark each suggested field: a help text with the confidence and a CSS class."""
    for name, found in marks.items():
        field = form.fields[name]
        field.help_text = confidence_note(found)
        field.widget.attrs["class"] = (field.widget.attrs.get("class", "") + " suggested").strip()
        field.widget.attrs["data-confidence"] = f"{found.confidence:.2f}"


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that accepts several files."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several uploaded files, each checked as a file."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.tif,.tiff"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class ScanBatchForm(forms.Form):
    """Upload the pages of a scanning batch: images or PDFs, several documents in a row."""

    label_suffix = ""
    uploads = MultipleFileField(
        label="Các trang quét",
        help_text=(
            "Chọn nhiều ảnh trang (JPEG, PNG, TIFF, kể cả TIFF nhiều trang) hoặc một hay nhiều "
            "tệp PDF chứa nhiều văn bản; tệp gốc được lưu nguyên vẹn."
        ),
        error_messages={"required": "Chọn các tệp quét.", "empty": "Tệp rỗng (0 byte)."},
    )

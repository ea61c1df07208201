"""Forms of the exchange pages: they parse input; the services hold the rules.

Receiving uses the incoming register's own form without its uploads (the files are the ones
that arrived, registered byte for byte) and without the directory search for the sender (the
sender is the agency the document came from).
"""

from __future__ import annotations

from typing import Any

from django import forms

from vanthu.exchange.choices import ReceptionState
from vanthu.registry.choices import Urgency
from vanthu.registry.forms import Choices, IncomingForm, MultipleFileField, RegistryForm
from vanthu.registry.incoming import IncomingData

# Form fields that are not service data.
FORM_ONLY = {"confirm_duplicate"}


class ReceptionReceiveForm(IncomingForm):
    """ "Tiếp nhận vào sổ": the incoming register's fields, filled from the sender's metadata."""

    def __init__(
        self,
        *args: Any,
        document_types: Choices = (),
        fields: Choices = (),
        sender_is_known: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, document_types=document_types, fields=fields, **kwargs)
        del self.fields["uploads"]
        del self.fields["sender_agency"]
        if sender_is_known:
            # The sender is the hosted agency the document came from: not the clerk's to change.
            del self.fields["sender_name"]
        else:
            self.fields["sender_name"].help_text = "Tên cơ quan gửi như trong gói tin."
        self.fields[
            "confirm_duplicate"
        ].label = "Tôi đã kiểm tra: đây không phải văn bản đã vào sổ, vẫn tiếp nhận vào sổ."

    def clean(self) -> dict[str, Any]:
        data = forms.Form.clean(self) or {}
        if "sender_name" in self.fields and not (data.get("sender_name") or "").strip():
            self.add_error("sender_name", "Ghi tên nơi gửi.")
        return data

    def incoming_data(self, *, sender_agency_id: int | None) -> IncomingData:
        """Return the register's data as the clerk confirmed or corrected it."""
        values = {k: v for k, v in self.cleaned_data.items() if k not in FORM_ONLY}
        values["sender_agency_id"] = sender_agency_id
        values["document_type_id"] = values.pop("document_type")
        values["field_id"] = values.pop("field")
        for name in ("sender_name", "number", "notation", "signer_name", "signer_position"):
            values[name] = values.get(name) or ""
        return IncomingData(**values)


def receive_initial(data: IncomingData) -> dict[str, Any]:
    """Return the receive form's initial values from the register's data."""
    return {
        "sender_name": data.sender_name,
        "number": data.number,
        "notation": data.notation,
        "document_date": data.document_date,
        "document_type": data.document_type_id,
        "field": data.field_id,
        "summary": data.summary,
        "signer_name": data.signer_name,
        "signer_position": data.signer_position,
        "urgency": data.urgency,
        "due_date": data.due_date,
        "page_count": data.page_count,
        "filing_location": data.filing_location,
        "notes": data.notes,
    }


class ReceptionReturnForm(RegistryForm):
    """ "Trả lại": the reason goes back to the sender with status 02."""

    reason = forms.CharField(
        label="Lý do trả lại",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Nơi gửi nhận được lý do này, ví dụ: Gửi nhầm cơ quan.",
    )


class ChangeRequestDecideForm(RegistryForm):
    """Accept or refuse the sender's request to take a document back (15 or 16)."""

    ACCEPT = "dong_y"
    REFUSE = "tu_choi"

    decision = forms.ChoiceField(
        label="Quyết định",
        choices=[(ACCEPT, "Đồng ý lấy lại"), (REFUSE, "Từ chối")],
        widget=forms.HiddenInput,
    )
    note = forms.CharField(
        label="Ý kiến",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Bắt buộc khi từ chối: nơi gửi nhận được ý kiến này.",
    )

    @property
    def accepts(self) -> bool:
        return bool(self.cleaned_data.get("decision") == self.ACCEPT)


class ReceptionFilterForm(RegistryForm):
    """Filters of the queue (every field optional)."""

    trang_thai = forms.ChoiceField(
        label="Trạng thái",
        required=False,
        choices=[("", "Mọi trạng thái"), *ReceptionState.choices],
    )
    yeu_cau = forms.BooleanField(label="Chỉ văn bản nơi gửi yêu cầu lấy lại", required=False)


class UpdateSendForm(RegistryForm):
    """ "Cập nhật văn bản đã gửi": the reason, the corrected fields and files (type 2)."""

    reason = forms.CharField(
        label="Lý do cập nhật",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Nơi nhận đọc lý do này khi quyết định đồng ý hay từ chối.",
    )
    summary = forms.CharField(
        label="Trích yếu", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    signer_name = forms.CharField(label="Người ký", max_length=50, required=False)
    signer_position = forms.CharField(label="Chức vụ người ký", max_length=100, required=False)
    urgency = forms.ChoiceField(label="Độ khẩn", choices=Urgency.choices)
    due_date = forms.DateField(
        label="Hạn xử lý", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    page_count = forms.IntegerField(label="Số trang", required=False, min_value=1, max_value=32767)
    uploads = MultipleFileField(
        label="Tệp thay cho tệp đã gửi",
        required=False,
        help_text="Không bắt buộc. Tệp đầu tiên là văn bản chính; tệp cũ vẫn được lưu ở nơi nhận.",
    )


class ReplacementMarkForm(RegistryForm):
    """ "Thay thế văn bản đã gửi": the document this one replaces, and why (type 3)."""

    replaces = forms.TypedChoiceField(label="Văn bản bị thay thế", coerce=int, choices=())
    reason = forms.CharField(
        label="Lý do thay thế",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Khi gửi văn bản này, nơi nhận văn bản cũ được đề nghị thay thế.",
    )

    def __init__(self, *args: Any, documents: Choices = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["replaces"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "— Chọn văn bản đã gửi —"), *documents]

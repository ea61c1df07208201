"""Forms of the register pages: they parse input; the services hold the rules.

A form checks only what the browser could have checked (required, length, a choice from the
list, a date written dd/mm/yyyy); the rest (impossible dates, file types, duplicates, who may
do what) is the services', whose errors are put back on the fields with `add_service_errors`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from vanthu.organizations.forms import add_service_errors
from vanthu.registry.choices import FileRole, IncomingStatus, OutgoingStatus, Purpose, Urgency
from vanthu.registry.selectors import INCOMING_SORT_LABELS, OUTGOING_SORT_LABELS

__all__ = [
    "IncomingFilterForm",
    "IncomingForm",
    "OutgoingFilesForm",
    "OutgoingFilterForm",
    "OutgoingForm",
    "OutgoingRevokeForm",
    "PaperCopySearchForm",
    "add_service_errors",
]

Choices = Sequence[tuple[Any, str]]

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
DATE_MESSAGE = "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/03/2026."
MAX_FILES = 50


class RegistryForm(forms.Form):
    """Base of the forms here: no label suffix, Vietnamese punctuation is the template's."""

    label_suffix = ""


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    """Return a date field written dd/mm/yyyy, with a Vietnamese error."""
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text=help_text,
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
        ),
        error_messages={"invalid": DATE_MESSAGE},
    )


def id_choice(label: str, empty_label: str, *, required: bool = False) -> forms.TypedChoiceField:
    """Return a choice of a record by id (filled in by the view)."""
    return forms.TypedChoiceField(
        label=label,
        required=required,
        coerce=int,
        empty_value=None,
        choices=[("", empty_label)],
    )


def set_choices(form: forms.Form, name: str, choices: Choices, empty_label: str = "") -> None:
    """Set the options of a choice field, with an empty first option when given."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = ([("", empty_label)] if empty_label else []) + list(choices)


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that accepts several files."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several uploaded files, in the order the browser sent them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile[Any]]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if not files:
            if self.required:
                raise forms.ValidationError("Chọn ít nhất một tệp.", code="required")
            return []
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                "Mỗi lần chỉ tải lên tối đa %(max)s tệp.", params={"max": MAX_FILES}
            )
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


def read_uploads(
    files: list[UploadedFile[Any]], orders: Sequence[str] = ()
) -> list[tuple[str, bytes]]:
    """Return `(name, bytes)` of the uploads, sorted by the typed page order (Điều 6.1.c).

    A file without a usable order number keeps its upload position, after the numbered ones.
    """
    keyed = []
    for index, upload in enumerate(files):
        raw = orders[index] if index < len(orders) else ""
        try:
            key = (0, int(raw), index)
        except (TypeError, ValueError):
            key = (1, index, index)
        keyed.append((key, upload))
    keyed.sort(key=lambda pair: pair[0])
    return [(upload.name or "tep", upload.read()) for _key, upload in keyed]


class IdListField(forms.Field):
    """Several record ids sent under one name (check boxes), without duplicates."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        ids: list[int] = []
        for raw in value or []:
            try:
                number = int(raw)
            except (TypeError, ValueError):
                raise forms.ValidationError("Lựa chọn không hợp lệ.") from None
            if number not in ids:
                ids.append(number)
        return ids


# --- Incoming documents -----------------------------------------------------------------


class IncomingForm(RegistryForm):
    """Register an incoming document: the fields of QĐ 22 Điều 6.1.d and NĐ 30 Phụ lục VI."""

    # Chosen from the directory search results (radio buttons the template renders).
    sender_agency = forms.IntegerField(label="Cơ quan gửi", required=False, min_value=1)
    sender_name = forms.CharField(
        label="Nơi gửi",
        max_length=200,
        required=False,
        help_text="Gõ để tìm trong danh mục cơ quan; nếu không có, ghi tên nơi gửi vào đây.",
    )
    number = forms.CharField(label="Số", max_length=11, required=False)
    notation = forms.CharField(
        label="Ký hiệu", max_length=30, required=False, help_text="Ví dụ UBND-KT, QĐ-UBND."
    )
    document_date = date_field("Ngày văn bản")
    document_type = id_choice("Loại văn bản", "— Chọn loại văn bản —", required=True)
    field = id_choice("Lĩnh vực", "— Không chọn —")
    summary = forms.CharField(
        label="Trích yếu nội dung", max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    signer_name = forms.CharField(label="Người ký", max_length=50, required=False)
    signer_position = forms.CharField(label="Chức vụ người ký", max_length=100, required=False)
    urgency = forms.ChoiceField(label="Độ khẩn", choices=Urgency.choices, initial=Urgency.NORMAL)
    due_date = date_field("Hạn xử lý", required=False)
    page_count = forms.IntegerField(label="Số trang", min_value=1, max_value=30000, required=False)
    filing_location = forms.CharField(label="Nơi lưu bản giấy", max_length=200, required=False)
    notes = forms.CharField(
        label="Ghi chú", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    uploads = MultipleFileField(label="Tệp văn bản")
    confirm_duplicate = forms.BooleanField(
        label="Tôi đã kiểm tra: đây không phải văn bản đã vào sổ, vẫn vào sổ.", required=False
    )

    def __init__(
        self,
        *args: Any,
        document_types: Choices = (),
        fields: Choices = (),
        scan: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "document_type", document_types, "— Chọn loại văn bản —")
        set_choices(self, "field", fields, "— Không chọn —")
        upload = self.fields["uploads"]
        if scan:
            upload.label = "Các trang đã quét"
            upload.help_text = (
                "Ảnh JPEG, PNG, TIFF hoặc tệp PDF; nhiều tệp được ghép thành một tệp PDF theo "
                "thứ tự trang."
            )
            upload.widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,.tif,.tiff"
        else:
            upload.label = "Tệp văn bản điện tử"
            upload.help_text = "Tệp gốc được lưu nguyên vẹn (PDF, DOCX, …)."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("sender_agency") and not (data.get("sender_name") or "").strip():
            self.add_error("sender_name", "Chọn cơ quan gửi trong danh mục hoặc ghi tên nơi gửi.")
        return data


class IncomingFilterForm(RegistryForm):
    """Filters and sorting of the incoming register list (every field optional)."""

    SORTS = list(INCOMING_SORT_LABELS.items())

    q = forms.CharField(label="Tìm kiếm", required=False, max_length=200)
    tu_ngay = date_field("Nhận từ ngày", required=False)
    den_ngay = date_field("Đến ngày", required=False)
    so = id_choice("Sổ", "Mọi sổ")
    loai = id_choice("Loại văn bản", "Mọi loại")
    linh_vuc = id_choice("Lĩnh vực", "Mọi lĩnh vực")
    noi_gui = forms.CharField(label="Nơi gửi", required=False, max_length=200)
    do_khan = forms.ChoiceField(
        label="Độ khẩn", required=False, choices=[("", "Mọi độ khẩn"), *Urgency.choices]
    )
    trang_thai = forms.ChoiceField(
        label="Trạng thái",
        required=False,
        choices=[("", "Mọi trạng thái"), *IncomingStatus.choices],
    )
    qua_han = forms.BooleanField(label="Chỉ văn bản quá hạn", required=False)
    sap_xep = forms.ChoiceField(label="Sắp xếp", required=False, choices=SORTS)

    def __init__(
        self,
        *args: Any,
        registers: Choices = (),
        document_types: Choices = (),
        fields: Choices = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "so", registers, "Mọi sổ")
        set_choices(self, "loai", document_types, "Mọi loại")
        set_choices(self, "linh_vuc", fields, "Mọi lĩnh vực")


class PaperCopySearchForm(RegistryForm):
    """Find the electronic record whose paper copy arrived (QĐ 22 Điều 6.1.b)."""

    q = forms.CharField(
        label="Số, ký hiệu hoặc nơi gửi",
        max_length=200,
        required=False,
        help_text="Ví dụ 125/UBND-KT hoặc Sở Tài chính.",
    )


# --- Outgoing documents -----------------------------------------------------------------


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class OutgoingForm(RegistryForm):
    """Enter an outgoing document before it is issued: the fields of QĐ 22 Điều 6.2.c."""

    document_type = id_choice("Loại văn bản", "— Chọn loại văn bản —", required=True)
    drafting_unit = id_choice("Đơn vị soạn thảo", "— Không chọn —")
    field = id_choice("Lĩnh vực", "— Không chọn —")
    purpose = forms.ChoiceField(
        label="Mục đích", choices=Purpose.choices, initial=Purpose.BETWEEN_AGENCIES
    )
    is_permanent_retention = forms.BooleanField(label="Văn bản bảo quản vĩnh viễn", required=False)
    urgency = forms.ChoiceField(label="Độ khẩn", choices=Urgency.choices, initial=Urgency.NORMAL)
    summary = forms.CharField(
        label="Trích yếu nội dung", max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    signer = id_choice("Người ký", "— Chọn lãnh đạo ký —")
    signer_position = forms.CharField(
        label="Chức vụ người ký",
        max_length=100,
        required=False,
        help_text="Để trống: chức vụ của người ký trong danh mục cán bộ.",
    )
    original_required = forms.BooleanField(
        label="Nơi nhận phải lưu bản chính (vẫn gửi bản giấy dù đã ký số)",
        required=False,
        help_text="Điều 3.4 Quy định kèm theo Quyết định 22/2017/QĐ-UBND.",
    )
    text_files = MultipleFileField(
        label="Tệp văn bản (dự thảo)", required=False, help_text="PDF, DOCX hoặc ODT."
    )
    attachment_files = MultipleFileField(label="Tài liệu kèm theo", required=False)
    # Chosen from the directory search results (check boxes the template renders).
    recipient_agencies = IdListField(label="Cơ quan nhận (trong danh mục)", required=False)
    recipient_places = forms.CharField(
        label="Nơi nhận khác",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Mỗi dòng một nơi nhận, ví dụ: Như trên; Ban Giám đốc Sở.",
    )
    filing_copy = forms.CharField(
        label="Dòng lưu",
        required=False,
        max_length=200,
        initial="Lưu: VT",
        help_text="Ví dụ: Lưu: VT, VP.",
    )
    copies = forms.IntegerField(label="Số lượng bản", min_value=1, max_value=10000, initial=1)
    page_count = forms.IntegerField(label="Số trang", min_value=1, max_value=30000, required=False)
    notes = forms.CharField(
        label="Ghi chú", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        document_types: Choices = (),
        units: Choices = (),
        fields: Choices = (),
        signers: Choices = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "document_type", document_types, "— Chọn loại văn bản —")
        set_choices(self, "drafting_unit", units, "— Không chọn —")
        set_choices(self, "field", fields, "— Không chọn —")
        set_choices(self, "signer", signers, "— Chọn lãnh đạo ký —")

    def clean_recipient_places(self) -> list[str]:
        places = _lines(self.cleaned_data.get("recipient_places") or "")
        for place in places:
            if len(place) > 200:
                raise forms.ValidationError("Mỗi nơi nhận dài tối đa 200 ký tự.")
        return places

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("recipient_agencies") and not data.get("recipient_places"):
            self.add_error("recipient_places", "Ghi ít nhất một nơi nhận.")
        return data


class OutgoingFilesForm(RegistryForm):
    """Add files to an outgoing draft: its text or attachments."""

    role = forms.ChoiceField(
        label="Loại tệp",
        choices=[
            (FileRole.ORIGINAL, "Tệp văn bản"),
            (FileRole.ATTACHMENT, FileRole.ATTACHMENT.label),
        ],
        initial=FileRole.ORIGINAL,
    )
    uploads = MultipleFileField(label="Tệp")


class OutgoingRevokeForm(RegistryForm):
    """Revoke an issued document: the reason is recorded and sent with the revocation."""

    reason = forms.CharField(
        label="Lý do thu hồi", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class OutgoingFilterForm(RegistryForm):
    """Filters of the outgoing register list (every field optional)."""

    q = forms.CharField(label="Tìm kiếm", required=False, max_length=200)
    tu_ngay = date_field("Ngày văn bản từ", required=False)
    den_ngay = date_field("Đến ngày", required=False)
    so = id_choice("Sổ", "Mọi sổ")
    loai = id_choice("Loại văn bản", "Mọi loại")
    linh_vuc = id_choice("Lĩnh vực", "Mọi lĩnh vực")
    do_khan = forms.ChoiceField(
        label="Độ khẩn", required=False, choices=[("", "Mọi độ khẩn"), *Urgency.choices]
    )
    trang_thai = forms.ChoiceField(
        label="Trạng thái",
        required=False,
        choices=[("", "Mọi trạng thái"), *OutgoingStatus.choices],
    )
    ban_giay_qua_han = forms.BooleanField(
        label="Chỉ văn bản quá hạn gửi bản giấy",
        required=False,
        help_text="Văn bản thuộc Điều 5 chưa gửi bản giấy sau 0,5 ngày làm việc (Điều 10.3).",
    )
    sap_xep = forms.ChoiceField(
        label="Sắp xếp", required=False, choices=list(OUTGOING_SORT_LABELS.items())
    )

    def __init__(
        self,
        *args: Any,
        registers: Choices = (),
        document_types: Choices = (),
        fields: Choices = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "so", registers, "Mọi sổ")
        set_choices(self, "loai", document_types, "Mọi loại")
        set_choices(self, "linh_vuc", fields, "Mọi lĩnh vực")

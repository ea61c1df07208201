"""Forms of the catalogue pages: subject areas and the exchange policy table.

Like `forms.py`, they check only what a browser could; the services hold the rules (duplicate
names, who may edit, legacy encodings) and their errors are put back with `add_service_errors`.
"""

from __future__ import annotations

from typing import Any

from django import forms

from vanthu.registry import registers
from vanthu.registry.choices import ExchangeMode, Purpose, RegisterKind
from vanthu.registry.fields import CODE_MAX_LENGTH, NAME_MAX_LENGTH
from vanthu.registry.forms import Choices, RegistryForm, id_choice, set_choices

# A condition of a policy line that may be left open: "" any, else yes or no.
YES, NO = "co", "khong"


def _tri_state(value: str) -> bool:
    return value == YES


def tri_state_field(label: str, help_text: str) -> forms.TypedChoiceField:
    """Return a yes / no / "either" choice, cleaned to True, False or None."""
    return forms.TypedChoiceField(
        label=label,
        required=False,
        choices=[("", "Không xét"), (YES, "Có"), (NO, "Không")],
        coerce=_tri_state,
        empty_value=None,
        help_text=help_text,
    )


def tri_state_initial(value: bool | None) -> str:
    """Return the form value of a stored yes / no / "either" condition."""
    if value is None:
        return ""
    return YES if value else NO


class FieldForm(RegistryForm):
    """Add or change a subject area (lĩnh vực)."""

    name = forms.CharField(label="Tên lĩnh vực", max_length=NAME_MAX_LENGTH)
    code = forms.CharField(
        label="Mã",
        max_length=CODE_MAX_LENGTH,
        required=False,
        help_text="Không bắt buộc, ví dụ CNTT. Không trùng trong cơ quan.",
    )
    is_active = forms.BooleanField(
        label="Đang dùng",
        required=False,
        initial=True,
        help_text="Bỏ chọn để ngừng dùng: lĩnh vực không còn trong các ô chọn, văn bản đã gắn "
        "lĩnh vực này vẫn giữ nguyên.",
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["is_active"]


class RegisterForm(RegistryForm):
    """Add a register series, or rename, retype, close or reopen one (NĐ 30/2020 Điều 15)."""

    kind = forms.ChoiceField(label="Loại sổ", choices=RegisterKind.choices)
    name = forms.CharField(
        label="Tên sổ",
        max_length=registers.NAME_MAX_LENGTH,
        help_text="Ví dụ: Sổ Giấy mời. Không trùng với sổ khác cùng loại của cơ quan.",
    )
    document_types = forms.TypedMultipleChoiceField(
        label="Loại văn bản đánh số trong sổ",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="Văn bản các loại này lấy số theo dãy riêng của sổ, từ 01 ngày 01/01. Văn bản "
        "quy phạm pháp luật: mỗi loại một sổ. Loại đã được cấp số trong năm ở sổ khác chỉ "
        "chuyển sổ được từ ngày 01/01 năm sau.",
    )
    is_active = forms.BooleanField(
        label="Đang dùng",
        required=False,
        help_text="Bỏ chọn để đóng sổ: văn bản và số đã cấp giữ nguyên, không số nào bị dùng "
        "lại. Sổ đã cấp số trong năm chỉ đóng được từ ngày 01/01 năm sau.",
    )

    def __init__(
        self, *args: Any, document_types: Choices = (), editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "document_types", document_types)
        if editing:
            del self.fields["kind"]
        else:
            del self.fields["is_active"]


class PolicyRuleForm(RegistryForm):
    """Add or change a line of the exchange policy table (QĐ 22 Điều 4.2)."""

    priority = forms.IntegerField(
        label="Thứ tự áp dụng",
        min_value=0,
        max_value=32767,
        initial=100,
        help_text="Dòng có thứ tự nhỏ hơn được xét trước.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    document_type = id_choice("Loại văn bản", "Mọi loại văn bản")
    purpose = forms.ChoiceField(
        label="Mục đích",
        required=False,
        choices=[("", "Mọi mục đích"), *Purpose.choices],
    )
    is_legal_normative = tri_state_field(
        "Văn bản quy phạm pháp luật", "“Không xét”: dòng áp dụng cho cả văn bản QPPL và không."
    )
    is_permanent_retention = tri_state_field(
        "Bảo quản vĩnh viễn", "“Không xét”: dòng áp dụng bất kể thời hạn bảo quản."
    )
    mode = forms.ChoiceField(label="Hình thức trao đổi", choices=ExchangeMode.choices)
    legal_basis = forms.CharField(
        label="Căn cứ",
        max_length=200,
        help_text="Ví dụ: QĐ 22/2017 Điều 4.1.b, hoặc quy chế của cơ quan.",
    )

    def __init__(self, *args: Any, document_types: Choices = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "document_type", document_types, "Mọi loại văn bản")


class PolicyCheckForm(RegistryForm):
    """Describe a document to see which line of the table decides how it is exchanged."""

    loai = id_choice("Loại văn bản", "— Chọn loại văn bản —", required=True)
    muc_dich = forms.ChoiceField(
        label="Mục đích", choices=Purpose.choices, initial=Purpose.BETWEEN_AGENCIES
    )
    qppl = forms.BooleanField(label="Văn bản quy phạm pháp luật", required=False)
    vinh_vien = forms.BooleanField(label="Bảo quản vĩnh viễn", required=False)

    def __init__(self, *args: Any, document_types: Choices = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "loai", document_types, "— Chọn loại văn bản —")

"""Forms of the agency administration pages: they parse input; the services hold the rules.

A form checks only what the browser could have checked (required, length, a choice from the
list); everything else (uniqueness, cycles, who may do what) is the service's, whose errors are
put back on the form's fields with `add_service_errors`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django import forms
from django.contrib.auth.password_validation import (
    MinimumLengthValidator,
    get_default_password_validators,
)
from django.core.exceptions import ValidationError

from vanthu.core.errors import VanthuError
from vanthu.organizations.choices import Role
from vanthu.organizations.services import GrantData

Choices = Sequence[tuple[Any, str]]

PASSWORDS_DIFFER_MESSAGE = "Hai lần nhập mật khẩu không khớp."


class StaffForm(forms.Form):
    """Base of the forms here: no label suffix, Vietnamese punctuation is the template's."""

    label_suffix = ""


def _optional_id_choice(
    label: str, empty_label: str, help_text: str = ""
) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", empty_label)],
        help_text=help_text,
    )


def _set_choices(form: forms.Form, name: str, choices: Choices) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = list(choices)


def add_service_errors(
    form: forms.Form, error: VanthuError, *, field_map: Mapping[str, str] | None = None
) -> None:
    """Put a service error's field messages on the form's fields (the rest on the form)."""
    field_map = field_map or {}
    for name, messages in error.fields.items():
        target = field_map.get(name, name)
        for message in messages:
            form.add_error(target if target in form.fields else None, message)
    if not error.fields:
        form.add_error(None, error.message)


# --- Units and positions --------------------------------------------------------------------


class UnitForm(StaffForm):
    """Create or change a unit: name, notation, parent and (when changing) activity."""

    name = forms.CharField(label="Tên đơn vị", max_length=200)
    short_name = forms.CharField(
        label="Ký hiệu",
        max_length=20,
        required=False,
        help_text="Dùng trong ký hiệu văn bản, ví dụ VP, TCHC. Không trùng trong cơ quan.",
    )
    parent = _optional_id_choice("Đơn vị cấp trên", "— Không có (trực thuộc cơ quan) —")
    is_active = forms.BooleanField(
        label="Đang hoạt động",
        required=False,
        initial=True,
        help_text="Bỏ chọn để ngừng sử dụng đơn vị; lịch sử vẫn được giữ.",
    )

    def __init__(
        self, *args: Any, parents: Choices = (), editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "parent", [("", "— Không có (trực thuộc cơ quan) —"), *parents])
        if not editing:
            del self.fields["is_active"]


class PositionForm(StaffForm):
    """Add a position (chức vụ) to the agency."""

    name = forms.CharField(label="Tên chức vụ", max_length=100)
    rank = forms.IntegerField(
        label="Thứ bậc",
        min_value=0,
        max_value=1000,
        initial=100,
        help_text="Số nhỏ đứng trước: Giám đốc 10, Phó Giám đốc 20, Chuyên viên 100.",
    )


# --- People ---------------------------------------------------------------------------------


def password_min_length() -> int:
    """Return the minimum password length the configured validators ask for."""
    lengths = [
        v.min_length
        for v in get_default_password_validators()
        if isinstance(v, MinimumLengthValidator)
    ]
    return max(lengths, default=0)


class _PasswordPair(StaffForm):
    password1 = forms.CharField(
        label="Mật khẩu",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Nhập lại mật khẩu",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = (
            f"Ít nhất {password_min_length()} ký tự; không toàn chữ số, không quá phổ biến, "
            "không quá giống tên đăng nhập hay họ tên."
        )

    def clean_password1(self) -> str:
        password: str = self.cleaned_data["password1"]
        # Django 6.1's Vietnamese catalogue lacks this validator's message; say it here first.
        minimum = password_min_length()
        if len(password) < minimum:
            raise ValidationError(f"Mật khẩu phải có ít nhất {minimum} ký tự.")
        return password

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", PASSWORDS_DIFFER_MESSAGE)
        return data


class PersonCreateForm(_PasswordPair):
    """Create a staff account: sign-in name, name, contacts and an initial password."""

    field_order = ["username", "full_name", "email", "phone", "password1", "password2"]

    username = forms.CharField(
        label="Tên đăng nhập",
        max_length=150,
        help_text="Chữ thường, không dấu, ví dụ nguyenvana. Không đổi được sau khi tạo.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    email = forms.EmailField(label="Thư điện tử công vụ", required=False)
    phone = forms.CharField(label="Điện thoại", max_length=50, required=False)


class PersonEditForm(StaffForm):
    """Change a person's name, contacts or whether the account may sign in."""

    full_name = forms.CharField(label="Họ và tên", max_length=150)
    email = forms.EmailField(label="Thư điện tử công vụ", required=False)
    phone = forms.CharField(label="Điện thoại", max_length=50, required=False)
    is_active = forms.BooleanField(
        label="Đang hoạt động",
        required=False,
        help_text="Bỏ chọn để khóa tài khoản: cán bộ không đăng nhập được nữa.",
    )


class PasswordResetForm(_PasswordPair):
    """Set a new password for a person (an administrator's reset)."""


class GrantForm(StaffForm):
    """One role to grant: the role, the unit (or the whole agency) and the position."""

    role = forms.ChoiceField(label="Vai trò", choices=[])
    unit = _optional_id_choice("Đơn vị", "Toàn cơ quan")
    position = _optional_id_choice("Chức vụ", "— Không ghi —")

    def __init__(
        self,
        *args: Any,
        roles: Choices = (),
        units: Choices = (),
        positions: Choices = (),
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        _set_choices(self, "role", [("", "— Chọn vai trò —"), *roles])
        _set_choices(self, "unit", [("", "Toàn cơ quan"), *units])
        _set_choices(self, "position", [("", "— Không ghi —"), *positions])

    def grant(self) -> GrantData:
        """Return the cleaned row as the service's grant."""
        return GrantData(
            role=self.cleaned_data["role"],
            unit_id=self.cleaned_data.get("unit"),
            position_id=self.cleaned_data.get("position"),
        )


class BaseGrantFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """The roles of a new person: at least one, none twice; blank added rows are ignored."""

    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[tuple[str, int | None]] = set()
        filled = 0
        for form in self.forms:
            if not form.has_changed() or not form.cleaned_data.get("role"):
                continue
            filled += 1
            key = (form.cleaned_data["role"], form.cleaned_data.get("unit"))
            if key in seen:
                raise ValidationError("Một vai trò ở cùng đơn vị được nhập hai lần.")
            seen.add(key)
        if filled == 0:
            raise ValidationError("Cần ít nhất một vai trò.")

    def grants(self) -> list[GrantData]:
        """Return the filled rows as the service's grants."""
        return [
            form.grant()
            for form in self.forms
            if form.has_changed() and form.cleaned_data.get("role")
        ]


# Every row may be left blank (a blank row is ignored); `clean` asks for at least one role.
GrantFormSet = forms.formset_factory(
    GrantForm, formset=BaseGrantFormSet, extra=1, max_num=20, absolute_max=20
)
GRANT_PREFIX = "vai_tro"


def role_choices(*, can_grant_system_admin: bool) -> list[tuple[str, str]]:
    """Return the roles an administrator may pick (system administrators may pick all)."""
    return [
        (value, str(label))
        for value, label in Role.choices
        if value != Role.SYSTEM_ADMIN or can_grant_system_admin
    ]


def grant_formset(
    data: Mapping[str, Any] | None,
    *,
    roles: Choices,
    units: Choices,
    positions: Choices,
) -> BaseGrantFormSet:
    """Return the roles formset of the person-creation page."""
    formset = GrantFormSet(
        data,
        prefix=GRANT_PREFIX,
        form_kwargs={"roles": roles, "units": units, "positions": positions},
    )
    assert isinstance(formset, BaseGrantFormSet)
    return formset


# --- Filters --------------------------------------------------------------------------------


class PersonFilterForm(StaffForm):
    """Search and filter the people list (GET)."""

    STATUS_CHOICES = [
        ("", "Đang hoạt động"),
        ("khoa", "Đã khóa"),
        ("tat-ca", "Tất cả"),
    ]

    q = forms.CharField(
        label="Tìm kiếm",
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Họ tên, tên đăng nhập hoặc thư điện tử"}
        ),
    )
    don_vi = _optional_id_choice("Đơn vị", "Tất cả đơn vị")
    vai_tro = forms.ChoiceField(label="Vai trò", required=False, choices=[])
    trang_thai = forms.ChoiceField(label="Trạng thái", required=False, choices=STATUS_CHOICES)

    def __init__(self, *args: Any, units: Choices = (), with_status: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _set_choices(self, "don_vi", [("", "Tất cả đơn vị"), *units])
        _set_choices(self, "vai_tro", [("", "Tất cả vai trò"), *Role.choices])
        if not with_status:
            del self.fields["trang_thai"]


def unit_choices(units: Iterable[Any]) -> list[tuple[int, str]]:
    """Return select options for units, with their notation when they have one."""
    return [(u.pk, f"{u.name} ({u.short_name})" if u.short_name else u.name) for u in units]

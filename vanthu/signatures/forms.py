"""Forms of the signature pages (Vietnamese labels; the services check everything again)."""

from __future__ import annotations

from typing import Any

from django import forms


class SignForm(forms.Form):
    """The leader's PIN, typed at each signature (never stored)."""

    pin = forms.CharField(
        label="Mã PIN của token",
        max_length=64,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


class SignedUploadForm(forms.Form):
    """A text signed outside Vanthu (USB token, desktop signing tool)."""

    signed_file = forms.FileField(label="Tệp PDF đã ký số")


class KeyForm(forms.Form):
    """Where a key is: the token, its label, its PIN (to prove it), the image."""

    person = forms.TypedChoiceField(
        label="Khóa của",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Để trống: chữ ký số của cơ quan (dấu).",
    )
    token_label = forms.CharField(label="Nhãn token", max_length=32)
    key_label = forms.CharField(label="Nhãn khóa trên token", max_length=64)
    pin = forms.CharField(
        label="Mã PIN (chỉ để kiểm tra, không lưu)",
        max_length=64,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
    pin_env = forms.CharField(
        label="Biến môi trường chứa PIN (khóa của cơ quan trên HSM)",
        max_length=64,
        required=False,
    )
    module_path = forms.CharField(
        label="Mô-đun PKCS#11", max_length=300, required=False, help_text="Để trống: mặc định."
    )
    image = forms.FileField(label="Hình ảnh chữ ký hoặc con dấu (PNG)", required=False)

    def __init__(self, *args: Any, people: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "— Cơ quan —"), *people]  # type: ignore[attr-defined]

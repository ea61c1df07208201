"""Forms of sign-in and the person's own account: they parse input; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts

from vanthu.core.errors import VanthuError

OTP_DIGITS = 6


class LoginForm(forms.Form):
    """Username and password, the first step of signing in."""

    username = forms.CharField(
        label="Tên đăng nhập",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label="Mật khẩu",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def _otp_field(label: str = "Mã xác thực") -> forms.CharField:
    return forms.CharField(
        label=label,
        min_length=OTP_DIGITS,
        max_length=OTP_DIGITS,
        help_text="Sáu chữ số trên ứng dụng xác thực của bạn.",
        error_messages={
            "min_length": "Mã xác thực gồm 6 chữ số.",
            "max_length": "Mã xác thực gồm 6 chữ số.",
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]{6}",
                "class": "otp-input",
            }
        ),
    )


def _clean_otp(value: str) -> str:
    token = value.replace(" ", "")
    if not token.isdigit() or len(token) != OTP_DIGITS:
        raise forms.ValidationError("Mã xác thực gồm 6 chữ số.")
    return token


class OtpForm(forms.Form):
    """A six-digit code from an authenticator application."""

    token = _otp_field()

    def clean_token(self) -> str:
        return _clean_otp(self.cleaned_data["token"])


class OtpDisableForm(forms.Form):
    """Password and a current code, both needed to turn the second factor off."""

    password = forms.CharField(
        label="Mật khẩu hiện tại",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    token = _otp_field()

    def clean_token(self) -> str:
        return _clean_otp(self.cleaned_data["token"])


class PasswordChangeForm(forms.Form):
    """The old password and the new one, typed twice."""

    old_password = forms.CharField(
        label="Mật khẩu hiện tại",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label="Mật khẩu mới",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_again = forms.CharField(
        label="Nhập lại mật khẩu mới",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The rules in force (settings.AUTH_PASSWORD_VALIDATORS), in Django's Vietnamese.
        self.fields["new_password"].help_text = " ".join(password_validators_help_texts())

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        first, second = data.get("new_password"), data.get("new_password_again")
        if first and second and first != second:
            self.add_error("new_password_again", "Hai lần nhập mật khẩu mới không khớp.")
        return data


class AgencySwitchForm(forms.Form):
    """The agency to act for, among those where the person holds a role."""

    agency_id = forms.TypedChoiceField(label="Cơ quan làm việc", coerce=int, choices=())

    def __init__(self, *args: object, choices: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["agency_id"].choices = choices  # type: ignore[attr-defined]


def add_service_errors(form: forms.Form, error: VanthuError) -> None:
    """Show a service's error on the form: per field where it names one, else on the form."""
    placed = False
    for field, messages in error.fields.items():
        for message in messages:
            if field in form.fields:
                form.add_error(field, message)
                placed = True
    if not placed:
        form.add_error(None, error.message)

"""Printable register books (NĐ 30/2020 Phụ lục IV): pick a book, register and period; download."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from vanthu.core.errors import NotFound, PermissionDenied, ValidationFailed
from vanthu.organizations.views.staff.common import actor_of, render_error, staff_view
from vanthu.registry.views.common import download_response
from vanthu.reports.exports import FileFormat, register_export_file
from vanthu.reports.registers import DENIED, Book, printable_registers

BOOK_CHOICES = [
    (Book.INCOMING.value, "Sổ đăng ký văn bản đến"),
    (Book.OUTGOING.value, "Sổ đăng ký văn bản đi"),
    (Book.TRACKING.value, "Sổ theo dõi giải quyết văn bản đến"),
]
FORMAT_CHOICES = [(FileFormat.PDF.value, "PDF (để in)"), (FileFormat.XLSX.value, "Excel (XLSX)")]
# Service error fields → form fields.
# Register options grouped under their kind, as <optgroup>s.
RegisterOptions = list[tuple[str, list[tuple[int, str]]]]
_FIELD_MAP = {"register": "so", "date_from": "tu_ngay", "date_to": "den_ngay"}


class PrintoutForm(forms.Form):
    """Which book to print, from which register, for which period, in which format."""

    mau_so = forms.ChoiceField(label="Mẫu sổ", choices=BOOK_CHOICES)
    # An integer, not a choice: a register of another agency is "not found" (404), as the
    # service decides, rather than a form error that would confirm it exists.
    so = forms.IntegerField(label="Sổ văn bản", min_value=1, widget=forms.Select)
    # A date input takes ISO dates whatever the page's language.
    tu_ngay = forms.DateField(
        label="Từ ngày", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    den_ngay = forms.DateField(
        label="Đến ngày", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    dinh_dang = forms.ChoiceField(
        label="Định dạng", choices=FORMAT_CHOICES, widget=forms.RadioSelect
    )

    def __init__(self, *args: object, registers: RegisterOptions, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        widget: forms.Select = self.fields["so"].widget
        widget.choices = registers

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("tu_ngay"), data.get("den_ngay")
        if isinstance(start, date) and isinstance(end, date) and start > end:
            self.add_error("den_ngay", "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu.")
        return data


def _current_month(today: date) -> tuple[date, date]:
    first = today.replace(day=1)
    next_month = (first + timedelta(days=32)).replace(day=1)
    return first, next_month - timedelta(days=1)


def _form_page(request: HttpRequest, form: PrintoutForm, status: int = 200) -> HttpResponse:
    return render(request, "registry/printouts.html", {"form": form}, status=status)


def _register_options(request: HttpRequest) -> RegisterOptions:
    """Return the agency's registers as options grouped by kind (incoming, outgoing)."""
    registers = printable_registers(actor=actor_of(request))
    if not registers:
        raise PermissionDenied(DENIED)
    groups: dict[str, list[tuple[int, str]]] = {}
    for register in registers:
        groups.setdefault(register.get_kind_display(), []).append((register.pk, register.name))
    return list(groups.items())


@staff_view
@require_GET
def printout_form(request: HttpRequest) -> HttpResponse:
    """Show the form that picks a book, a register and a period (this month by default)."""
    first, last = _current_month(timezone.localdate())
    form = PrintoutForm(
        registers=_register_options(request),
        initial={
            "mau_so": Book.INCOMING.value,
            "tu_ngay": first,
            "den_ngay": last,
            "dinh_dang": "pdf",
        },
    )
    return _form_page(request, form)


@login_required
@require_GET
def printout_download(request: HttpRequest) -> HttpResponseBase:
    """Stream the chosen book as a PDF or XLSX download, or show the form with its errors."""
    # As `staff_view`, which only wraps views that answer with a page, not a stream.
    try:
        return _download(request)
    except NotFound:
        return render_error(request, 404)
    except PermissionDenied as exc:
        return render_error(request, 403, exc.message)


def _download(request: HttpRequest) -> HttpResponseBase:
    form = PrintoutForm(request.GET, registers=_register_options(request))
    if not form.is_valid():
        return _form_page(request, form, status=400)
    data = form.cleaned_data
    try:
        export = register_export_file(
            actor=actor_of(request),
            book=data["mau_so"],
            register_id=data["so"],
            date_from=data["tu_ngay"],
            date_to=data["den_ngay"],
            file_format=data["dinh_dang"],
        )
    except ValidationFailed as exc:
        form.add_error(None, exc.message)
        for name, messages in exc.fields.items():
            for message in messages:
                form.add_error(_FIELD_MAP.get(name), message)
        return _form_page(request, form, status=400)
    return download_response(
        export.file,
        filename=export.filename,
        content_type=export.content_type,
        as_attachment=True,
    )

"""The printout pages: the form, the downloads, bad input and strangers."""

from __future__ import annotations

import pytest
from django.utils import timezone

from vanthu.registry.choices import RegisterKind
from vanthu.reports.tests.test_registers_export import (
    _outgoing,
    _pdf_text,
    _register,
    _xlsx_rows,
)

pytestmark = pytest.mark.django_db


def test_the_form_page_and_the_download(cast, client):
    # given agency A's outgoing register with one issued document
    register = _register(cast.agency_a, RegisterKind.OUTGOING)
    _outgoing(register, cast.clerk, 7)
    client.force_login(cast.clerk)

    # when the clerk opens the form and downloads November as XLSX and PDF
    page = client.get("/van-ban/in-so/")
    query = {
        "mau_so": "outgoing",
        "so": register.pk,
        "tu_ngay": "2026-11-01",
        "den_ngay": "2026-11-30",
    }
    xlsx = client.get("/van-ban/in-so/tai/", {**query, "dinh_dang": "xlsx"})
    pdf = client.get("/van-ban/in-so/tai/", {**query, "dinh_dang": "pdf"})

    # then the form lists the register, and the files are streamed with month-named filenames
    assert page.status_code == 200
    html = page.content.decode()
    assert '<optgroup label="Sổ văn bản đi">' in html
    # the period defaults to this month, in the ISO form a date input accepts
    assert f'value="{timezone.localdate():%Y-%m}-01"' in html
    assert xlsx.status_code == 200
    assert xlsx.streaming
    assert xlsx["Content-Disposition"] == 'attachment; filename="so-van-ban-di-2026-11.xlsx"'
    assert xlsx["Cache-Control"] == "private, no-store"
    assert _xlsx_rows(xlsx.getvalue())[1][4][0] == "07/STTTT-VP"
    assert pdf["Content-Type"] == "application/pdf"
    assert "07/STTTT-VP" in _pdf_text(pdf.getvalue())[1]


def test_the_download_refuses_bad_input_and_strangers(cast, client):
    register = _register(cast.agency_a)
    query = {
        "mau_so": "incoming",
        "so": register.pk,
        "tu_ngay": "2026-11-30",
        "den_ngay": "2026-11-01",
        "dinh_dang": "pdf",
    }

    # a period ending before it starts: the form again, with a Vietnamese error
    client.force_login(cast.clerk)
    bad = client.get("/van-ban/in-so/tai/", query)
    assert bad.status_code == 400
    assert "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu." in bad.content.decode()

    # the wrong book for the register: a form error, not a file
    wrong = client.get(
        "/van-ban/in-so/tai/",
        {**query, "mau_so": "outgoing", "tu_ngay": "2026-11-01", "den_ngay": "2026-11-30"},
    )
    assert wrong.status_code == 400
    assert "không dùng được cho mẫu sổ này" in wrong.content.decode()

    # an outsider asking for agency A's register: not found
    client.force_login(cast.outsider)
    _register(cast.agency_b)
    stranger = client.get(
        "/van-ban/in-so/tai/", {**query, "tu_ngay": "2026-11-01", "den_ngay": "2026-11-30"}
    )
    assert stranger.status_code == 404

    # a specialist of agency A: refused
    client.force_login(cast.specialist)
    assert client.get("/van-ban/in-so/").status_code == 403

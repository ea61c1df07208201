"""Dates typed by users are read day first (dd/mm/yyyy)."""

from datetime import date

from django import forms


class _DateForm(forms.Form):
    day = forms.DateField()


def test_date_input_is_day_first():
    form = _DateForm(data={"day": "08/05/2027"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == date(2027, 5, 8)


def test_iso_dates_are_still_accepted():
    form = _DateForm(data={"day": "2027-05-08"})
    assert form.is_valid()
    assert form.cleaned_data["day"] == date(2027, 5, 8)

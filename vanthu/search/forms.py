"""The search form: the query and its filters (every filter optional)."""

from __future__ import annotations

from typing import Any

from django import forms

from vanthu.registry.forms import Choices, RegistryForm, date_field, id_choice, set_choices
from vanthu.search.choices import EntryKind
from vanthu.search.selectors import SearchFilters
from vanthu.search.text import MAX_QUERY_CHARS


class SearchForm(RegistryForm):
    """What the search page asks: words, and where to look."""

    q = forms.CharField(
        label="Từ khóa",
        required=False,
        max_length=MAX_QUERY_CHARS,
        help_text='Gõ có dấu hay không dấu đều được; "trong ngoặc kép" để tìm đúng cụm từ.',
    )
    co_quan = id_choice("Cơ quan", "Mọi cơ quan")
    so = id_choice("Sổ", "Mọi sổ")
    loai = id_choice("Loại văn bản", "Mọi loại")
    kieu = forms.ChoiceField(
        label="Văn bản", required=False, choices=[("", "Đến và đi"), *EntryKind.choices]
    )
    tu_ngay = date_field("Ngày văn bản từ", required=False)
    den_ngay = date_field("đến ngày", required=False)

    def __init__(
        self,
        *args: Any,
        agencies: Choices = (),
        registers: Choices = (),
        document_types: Choices = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "co_quan", agencies, "Mọi cơ quan")
        set_choices(self, "so", registers, "Mọi sổ")
        set_choices(self, "loai", document_types, "Mọi loại")

    def filters(self) -> SearchFilters:
        """Return the filters of a valid form."""
        data = self.cleaned_data
        return SearchFilters(
            agency_id=data.get("co_quan"),
            register_id=data.get("so"),
            document_type_id=data.get("loai"),
            kind=data.get("kieu") or None,
            date_from=data.get("tu_ngay"),
            date_to=data.get("den_ngay"),
        )

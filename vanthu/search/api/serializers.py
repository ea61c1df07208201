"""Shapes of the search API: the query string and the page of hits."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from vanthu.search.choices import EntryKind
from vanthu.search.selectors import MAX_PAGE
from vanthu.search.text import MAX_QUERY_CHARS


class SearchQuerySerializer(serializers.Serializer[Any]):
    """GET /search/ parameters."""

    q = serializers.CharField(
        max_length=MAX_QUERY_CHARS,
        allow_blank=True,
        help_text='Words (with or without diacritics), "exact phrases", `prefix*`.',
    )
    agency = serializers.IntegerField(required=False, min_value=1)
    register = serializers.IntegerField(required=False, min_value=1)
    document_type = serializers.IntegerField(required=False, min_value=1)
    kind = serializers.ChoiceField(choices=EntryKind.choices, required=False)
    date_from = serializers.DateField(required=False, help_text="Document date, from (inclusive).")
    date_to = serializers.DateField(required=False, help_text="Document date, to (inclusive).")
    page = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, default=1)


class SearchHitSerializer(serializers.Serializer[Any]):
    """One document found."""

    kind = serializers.ChoiceField(choices=EntryKind.choices)
    id = serializers.IntegerField(source="object_id", help_text="The document's id.")
    agency = serializers.IntegerField(source="agency_id")
    number = serializers.CharField(help_text="Number and notation, e.g. `125/STTTT-VP`.")
    date = serializers.DateField(allow_null=True)
    summary = serializers.CharField()
    summary_html = serializers.CharField(help_text="The summary, HTML-escaped, matches in <mark>.")
    snippet_html = serializers.CharField(
        help_text="A few words around the matches, HTML-escaped, matches in <mark>; may be empty."
    )
    score = serializers.FloatField(help_text="Relevance; higher is better (order of `results`).")
    url = serializers.CharField(help_text="The document's page in the interface.")


class SearchPageSerializer(serializers.Serializer[Any]):
    """One page of hits, best first."""

    query = serializers.CharField()
    total = serializers.IntegerField(
        help_text="How many documents match, counted up to 1,000 (what the 50 pages can show)."
    )
    total_capped = serializers.BooleanField(
        help_text="True when more documents match than `total` (the count stopped at 1,000)."
    )
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    fuzzy = serializers.BooleanField(
        help_text="True when no document holds the words and these hits come from the typo "
        "fallback: the query with its misspelt words corrected, `corrected_query` "
        "(PostgreSQL only)."
    )
    corrected_query = serializers.CharField(
        allow_blank=True,
        help_text="The corrected query the hits are for when `fuzzy`, e.g. `nha trang` for "
        "`Nha Trnag` (folded words); empty otherwise.",
    )
    results = SearchHitSerializer(many=True)

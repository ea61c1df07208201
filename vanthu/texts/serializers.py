"""Serializers of the texts API: shapes and types only; the services hold the rules."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from vanthu.registry.models import DocumentFile
from vanthu.texts.models import FileText, TextMethod, TextState


class FileTextSerializer(serializers.Serializer[Any]):
    """A stored file's extracted text and the state of its extraction."""

    file = serializers.IntegerField(help_text="The stored file's id.")
    state = serializers.ChoiceField(
        choices=TextState.choices,
        allow_null=True,
        help_text="null: the file has not been queued for extraction yet (stored before "
        "extraction existed); run `extract` to queue it.",
    )
    state_label = serializers.CharField(help_text="The state in Vietnamese.")
    method = serializers.ChoiceField(
        choices=[("", "—"), *TextMethod.choices],
        help_text="How the text was obtained; empty before it is, or for a type without text.",
    )
    pages_total = serializers.IntegerField(allow_null=True)
    pages_done = serializers.IntegerField(help_text="Pages processed so far (OCR progress).")
    text = serializers.CharField(allow_blank=True, help_text="The text, NFC; empty until done.")
    has_searchable_copy = serializers.BooleanField(
        help_text="Whether an OCR'd PDF/A copy exists (download it from `searchable/`). It is "
        "a copy made by the system, never the original, and carries no digital signature."
    )
    error = serializers.CharField(allow_blank=True, help_text="Why it failed, in Vietnamese.")
    updated_at = serializers.DateTimeField(allow_null=True)


def file_text_data(stored: DocumentFile, row: FileText | None) -> dict[str, Any]:
    """The API shape of a file's text (a file never queued has state null)."""
    if row is None:
        return {
            "file": stored.pk,
            "state": None,
            "state_label": "Chưa trích xuất",
            "method": "",
            "pages_total": None,
            "pages_done": 0,
            "text": "",
            "has_searchable_copy": False,
            "error": "",
            "updated_at": None,
        }
    return {
        "file": stored.pk,
        "state": row.state,
        "state_label": str(TextState(row.state).label),
        "method": row.method,
        "pages_total": row.pages_total,
        "pages_done": row.pages_done,
        "text": row.text,
        "has_searchable_copy": bool(row.searchable),
        "error": row.error,
        "updated_at": row.updated_at,
    }

"""Serializers of the intake API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from vanthu.intake.models import BatchState, IntakeItem, IntakeState, PageKind, ScanBatch


class SuggestedSerializer(serializers.Serializer[Any]):
    """One suggested value and the suggester's confidence (0 to 1)."""

    value = serializers.CharField()
    confidence = serializers.FloatField()


class SuggestionSerializer(serializers.Serializer[Any]):
    """The metadata suggested from the file's text; a field is null when nothing was found."""

    sender_name = SuggestedSerializer(allow_null=True, required=False)
    sender_parent = SuggestedSerializer(allow_null=True, required=False)
    sender_agency_id = serializers.IntegerField(
        allow_null=True, required=False, help_text="The directory agency the sender matches."
    )
    number = SuggestedSerializer(allow_null=True, required=False)
    notation = SuggestedSerializer(allow_null=True, required=False)
    document_date = SuggestedSerializer(
        allow_null=True, required=False, help_text="value: yyyy-mm-dd."
    )
    document_type = SuggestedSerializer(allow_null=True, required=False)
    document_type_id = serializers.IntegerField(allow_null=True, required=False)
    summary = SuggestedSerializer(allow_null=True, required=False)
    signer_name = SuggestedSerializer(allow_null=True, required=False)
    signer_position = SuggestedSerializer(allow_null=True, required=False)
    urgency = SuggestedSerializer(
        allow_null=True, required=False, help_text="value: normal, urgent, very_urgent, flash."
    )


class IntakeItemSerializer(serializers.ModelSerializer[IntakeItem]):
    """An uploaded file waiting to be registered, its reading state and suggestion."""

    state = serializers.ChoiceField(choices=IntakeState.choices, read_only=True)
    progress = serializers.IntegerField(read_only=True, help_text="Pages read, 0 to 100 %.")
    suggestion = SuggestionSerializer(read_only=True)

    class Meta:
        model = IntakeItem
        fields = [
            "id",
            "agency",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "is_scan",
            "state",
            "progress",
            "pages_total",
            "pages_done",
            "method",
            "error",
            "suggestion",
            "incoming_document",
            "created_at",
        ]
        read_only_fields = fields


class IntakeItemDetailSerializer(IntakeItemSerializer):
    """An intake item with the text read from its file."""

    class Meta(IntakeItemSerializer.Meta):
        fields = [*IntakeItemSerializer.Meta.fields, "text"]
        read_only_fields = fields


class IntakeItemCreateSerializer(serializers.Serializer[Any]):
    """Upload one file (multipart/form-data)."""

    upload = serializers.FileField(allow_empty_file=True, help_text="The received file.")
    is_scan = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="A paper document's scan (registered as `paper_scan`); default: images are.",
    )


class ScanPageSerializer(serializers.Serializer[Any]):
    """One page of a batch: its origin, what the analysis found, and where it stands."""

    id = serializers.IntegerField()
    number = serializers.IntegerField(help_text="Position of the page in the uploaded batch.")
    source_name = serializers.CharField(source="source.original_name")
    source_page = serializers.IntegerField(source="source_index", help_text="0-based.")
    kind = serializers.ChoiceField(choices=PageKind.choices, help_text="What the analysis found.")
    ink = serializers.FloatField(allow_null=True, help_text="Share of dark pixels, 0 to 1.")
    barcode = serializers.CharField(help_text="Text of a barcode found on the page.")
    document = serializers.IntegerField(
        allow_null=True, help_text="Number of the document (1-based); null: removed."
    )
    order = serializers.IntegerField(help_text="Position inside its document.")
    rotation = serializers.IntegerField(help_text="Clockwise rotation in degrees.")


class ScanBatchSerializer(serializers.ModelSerializer[ScanBatch]):
    """A scanning batch (lô quét) and its analysis state."""

    state = serializers.ChoiceField(choices=BatchState.choices, read_only=True)
    progress = serializers.IntegerField(read_only=True, help_text="Pages analysed, 0 to 100 %.")

    class Meta:
        model = ScanBatch
        fields = ["id", "agency", "state", "progress", "pages_total", "pages_done", "error"]
        read_only_fields = fields


class ScanBatchDetailSerializer(ScanBatchSerializer):
    """A batch with its pages and the proposed (or arranged) documents."""

    pages = ScanPageSerializer(many=True, read_only=True)
    documents = serializers.SerializerMethodField(
        help_text="The documents in order, each the list of its page ids."
    )
    items = serializers.SerializerMethodField(
        help_text="The intake items made from the batch's documents (once committed)."
    )

    class Meta(ScanBatchSerializer.Meta):
        fields = [*ScanBatchSerializer.Meta.fields, "pages", "documents", "items"]
        read_only_fields = fields

    def get_documents(self, batch: ScanBatch) -> list[list[int]]:
        from vanthu.intake.batches import current_arrangement

        return [[page_id for page_id, _r in pages] for pages in current_arrangement(batch)]

    def get_items(self, batch: ScanBatch) -> list[int]:
        return list(batch.items.order_by("id").values_list("pk", flat=True))


class ScanBatchCreateSerializer(serializers.Serializer[Any]):
    """Upload the batch's files (multipart/form-data): page images or PDFs, in order."""

    uploads = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        allow_empty=False,
        help_text="JPEG, PNG, TIFF (multi-page too) or PDF files, in scanning order.",
    )


class ArrangedPageSerializer(serializers.Serializer[Any]):
    """A page placed in a document."""

    page = serializers.IntegerField(help_text="Page id.")
    rotation = serializers.ChoiceField(choices=[0, 90, 180, 270], default=0)


class ScanArrangementSerializer(serializers.Serializer[Any]):
    """The final arrangement: documents in order, each its pages in order; others removed."""

    documents = serializers.ListField(
        child=serializers.ListField(child=ArrangedPageSerializer(), allow_empty=False),
        allow_empty=False,
    )

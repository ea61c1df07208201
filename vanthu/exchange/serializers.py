"""Serializers of the exchange API: shapes and types only; the services hold the rules."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from vanthu.exchange.choices import (
    BusinessType,
    ChangeKind,
    ChangeState,
    DeliveryState,
    OutboxKind,
    ReceptionState,
    Route,
    StatusCode,
)
from vanthu.exchange.models import (
    ChangeRequest,
    Delivery,
    OutboxMessage,
    OutgoingChange,
    OutgoingChangeFile,
    Reception,
    ReceptionFile,
    StatusEvent,
)
from vanthu.exchange.packet_signature import packet_signature_notice
from vanthu.exchange.services import reception_data
from vanthu.registry.choices import SignatureStatus, Urgency


def _text(max_length: int, help_text: str = "") -> serializers.CharField:
    return serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=max_length,
        trim_whitespace=False,
        help_text=help_text,
    )


# --- Receptions (the recipient's side) ------------------------------------------------------


class EnvelopeSerializer(serializers.Serializer[Any]):
    """The sender's metadata as it came (edXML MessageHeader; NĐ 30/2020 Phụ lục VI)."""

    sender_identifier = serializers.CharField(help_text="Mã định danh of the sender.")
    sender_name = serializers.CharField()
    number = serializers.CharField()
    notation = serializers.CharField()
    document_date = serializers.DateField()
    type_code = serializers.CharField(help_text="Document type code, e.g. `cong-van`.")
    type_name = serializers.CharField()
    summary = serializers.CharField()
    signer_name = serializers.CharField()
    signer_position = serializers.CharField()
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    due_date = serializers.DateField(allow_null=True)
    page_count = serializers.IntegerField(allow_null=True)
    place = serializers.CharField(help_text="The sender's address.")
    to_places = serializers.ListField(
        child=serializers.CharField(), help_text="Nơi nhận as printed on the document."
    )
    paper_copy_follows = serializers.BooleanField(help_text="A paper copy is sent as well.")


class ReceptionFileSerializer(serializers.ModelSerializer[ReceptionFile]):
    """A file that arrived, stored byte for byte; its bytes are at `content`."""

    signature_status = serializers.ChoiceField(
        choices=[("", "Not checked yet"), *SignatureStatus.choices],
        read_only=True,
        help_text="Empty until the background check ran (PDF files only).",
    )
    signature_summary = serializers.SerializerMethodField(
        help_text="The signature check in plain Vietnamese; null until it ran."
    )

    class Meta:
        model = ReceptionFile
        fields = [
            "id",
            "name",
            "content_type",
            "size",
            "sha256",
            "is_main",
            "is_current",
            "signature_status",
            "signature_summary",
        ]
        read_only_fields = fields

    def get_signature_summary(self, stored: ReceptionFile) -> str | None:
        report = stored.signature_report
        return str(report.get("summary_vi", "")) if isinstance(report, dict) else None


class ChangeRequestSerializer(serializers.ModelSerializer[ChangeRequest]):
    """A sender's request to take back (revoke), update or replace a document (status 13).

    `replacement` is the reception holding the new version: an update's corrected metadata and
    files (state `update`), or the replacing document.
    """

    business_type = serializers.ChoiceField(choices=BusinessType.choices, read_only=True)
    state = serializers.ChoiceField(choices=ChangeState.choices, read_only=True)

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "reception",
            "business_type",
            "reason",
            "requested_at",
            "replacement",
            "state",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class PacketSignatureSerializer(serializers.Serializer[Any]):
    """The header signature of the packet the document came in, as the clerk is told."""

    status = serializers.ChoiceField(
        choices=["valid", "untrusted", "invalid", "absent"],
        help_text="`valid`; `untrusted` (matches, certificate not chained to a trusted anchor); "
        "`invalid` (present but cannot be checked); `absent` (unsigned).",
    )
    is_warning = serializers.BooleanField(help_text="Check before receiving (all but `valid`).")
    short_label = serializers.CharField(help_text="A few words, as the queue shows it.")
    message = serializers.CharField(help_text="The warning in Vietnamese, as the page shows it.")
    subject = serializers.CharField(help_text="The signing certificate's subject, if any.")


class ReceptionSerializer(serializers.ModelSerializer[Reception]):
    """A document that arrived for the agency, in its clerks' queue."""

    state = serializers.ChoiceField(choices=ReceptionState.choices, read_only=True)
    document = EnvelopeSerializer(
        source="metadata", read_only=True, help_text="The sender's metadata."
    )
    arrival_number = serializers.SerializerMethodField(
        help_text="Số đến once received into the incoming register (`incoming`)."
    )
    has_pending_request = serializers.BooleanField(
        read_only=True, help_text="The sender asked to take it back and nobody decided yet."
    )
    packet_signature = serializers.SerializerMethodField(
        help_text="The packet's header signature; null for a document sent inside this system."
    )

    class Meta:
        model = Reception
        fields = [
            "id",
            "agency",
            "packet_id",
            "document_id",
            "sender",
            "sender_identifier",
            "sender_name",
            "arrived_at",
            "state",
            "document",
            "incoming",
            "arrival_number",
            "decided_by",
            "decided_at",
            "reason",
            "has_pending_request",
            "packet_signature",
        ]
        read_only_fields = fields

    @extend_schema_field(PacketSignatureSerializer(allow_null=True))
    def get_packet_signature(self, reception: Reception) -> dict[str, Any] | None:
        notice = packet_signature_notice(getattr(reception, "packet_signature_report", None))
        return notice.to_dict() if notice else None

    def get_arrival_number(self, reception: Reception) -> int | None:
        return reception.incoming.arrival_number if reception.incoming else None


class PrefillSerializer(serializers.Serializer[Any]):
    """The incoming register's fields as the sender's metadata fills them."""

    sender_agency = serializers.IntegerField(allow_null=True)
    sender_name = serializers.CharField()
    number = serializers.CharField()
    notation = serializers.CharField()
    document_date = serializers.DateField()
    document_type = serializers.IntegerField()
    field = serializers.IntegerField(allow_null=True)
    summary = serializers.CharField()
    signer_name = serializers.CharField()
    signer_position = serializers.CharField()
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    filing_location = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    page_count = serializers.IntegerField(allow_null=True)
    notes = serializers.CharField()


def prefill_of(reception: Reception) -> dict[str, Any]:
    """Return the register's fields of a reception under the API's names."""
    values = asdict(reception_data(reception))
    values["sender_agency"] = values.pop("sender_agency_id")
    values["document_type"] = values.pop("document_type_id")
    values["field"] = values.pop("field_id")
    return values


class ReceptionDetailSerializer(ReceptionSerializer):
    """A reception with its files, the sender's requests and the register's prefilled fields."""

    files = ReceptionFileSerializer(many=True, read_only=True)
    change_requests = ChangeRequestSerializer(many=True, read_only=True)
    prefill = serializers.SerializerMethodField(
        help_text="What `receive` registers when no correction is sent."
    )

    class Meta(ReceptionSerializer.Meta):
        fields = [*ReceptionSerializer.Meta.fields, "files", "change_requests", "prefill"]
        read_only_fields = fields

    @extend_schema_field(PrefillSerializer)
    def get_prefill(self, reception: Reception) -> dict[str, Any]:
        return dict(PrefillSerializer(prefill_of(reception)).data)


class ReceptionListQuerySerializer(serializers.Serializer[Any]):
    """Filter and paging of the queue."""

    state = serializers.ChoiceField(
        choices=ReceptionState.choices, required=False, help_text="Only receptions in this state."
    )
    pending_request = serializers.BooleanField(
        required=False, default=False, help_text="Only those the sender asked to take back."
    )
    after = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="`next_cursor` of the last page, with the same filters.",
    )
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=200, default=50)


class ReceptionPageSerializer(serializers.Serializer[Any]):
    """One page of the queue: awaiting receptions first, then newest first."""

    next_cursor = serializers.CharField(
        allow_null=True, help_text="Pass as `after` for the next page; null on the last page."
    )
    results = ReceptionSerializer(many=True)


class ReceiveSerializer(serializers.Serializer[Any]):
    """Receive into the incoming register: the corrections, and the duplicate confirmation.

    Every field is optional: a field not sent keeps its prefilled value (`prefill`).
    """

    confirm_duplicate = serializers.BooleanField(
        default=False, help_text="Register even though a duplicate was reported (409)."
    )
    sender_name = _text(200, "Only for a sender not hosted here.")
    number = _text(11)
    notation = _text(30)
    document_date = serializers.DateField(required=False)
    document_type = serializers.IntegerField(required=False, min_value=1)
    field = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="Subject area id."
    )
    summary = serializers.CharField(required=False, max_length=500, trim_whitespace=False)
    signer_name = _text(50)
    signer_position = _text(100)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    filing_location = _text(200)
    due_date = serializers.DateField(required=False, allow_null=True)
    page_count = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=32767
    )
    notes = _text(500)


class ReturnSerializer(serializers.Serializer[Any]):
    """Return a document to its sender (status 02)."""

    reason = serializers.CharField(
        max_length=500, allow_blank=True, help_text="Sent to the sender; required."
    )


class DecideSerializer(serializers.Serializer[Any]):
    """Accept (status 15) or refuse (16) a request to take a document back."""

    accept = serializers.BooleanField()
    note = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="Sent to the sender; required when refusing.",
    )


# --- Deliveries (the sender's side) ---------------------------------------------------------


class StatusEventSerializer(serializers.ModelSerializer[StatusEvent]):
    """One status the recipient reported, or a request the sender made."""

    code = serializers.ChoiceField(choices=StatusCode.choices, read_only=True)
    code_label = serializers.CharField(source="get_code_display", read_only=True)

    class Meta:
        model = StatusEvent
        fields = ["code", "code_label", "at", "description", "staff"]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer[Delivery]):
    """One recipient of an issued outgoing document: how it travels and what it reported."""

    route = serializers.ChoiceField(choices=Route.choices, read_only=True)
    business_type = serializers.ChoiceField(
        choices=BusinessType.choices,
        read_only=True,
        help_text="0 the document; 2 an update of it; 3 it replaces one sent before.",
    )
    state = serializers.ChoiceField(choices=DeliveryState.choices, read_only=True)
    status_code = serializers.ChoiceField(
        choices=[("", "No status yet"), *StatusCode.choices],
        read_only=True,
        help_text="The recipient's latest status.",
    )
    status_label = serializers.SerializerMethodField()
    events = StatusEventSerializer(many=True, read_only=True, help_text="The status history.")

    class Meta:
        model = Delivery
        fields = [
            "id",
            "agency",
            "outgoing",
            "packet_id",
            "recipient",
            "recipient_identifier",
            "recipient_name",
            "business_type",
            "route",
            "state",
            "attempts",
            "delivered_at",
            "last_error",
            "status_code",
            "status_label",
            "status_at",
            "status_description",
            "events",
        ]
        read_only_fields = fields

    def get_status_label(self, delivery: Delivery) -> str:
        return delivery.get_status_code_display() if delivery.status_code else ""


class DeliveryListQuerySerializer(serializers.Serializer[Any]):
    """Filter of the acting agency's deliveries to other systems."""

    state = serializers.ChoiceField(
        choices=DeliveryState.choices, required=False, help_text="Only deliveries in this state."
    )


class OutboxMessageSerializer(serializers.ModelSerializer[OutboxMessage]):
    """A status report or take-back request sent to another system, and its sending state."""

    kind = serializers.ChoiceField(choices=OutboxKind.choices, read_only=True)
    code = serializers.ChoiceField(choices=StatusCode.choices, read_only=True)
    code_label = serializers.CharField(source="get_code_display", read_only=True)
    state = serializers.ChoiceField(choices=DeliveryState.choices, read_only=True)

    class Meta:
        model = OutboxMessage
        fields = [
            "id",
            "agency",
            "packet_id",
            "kind",
            "reception",
            "delivery",
            "peer_identifier",
            "code",
            "code_label",
            "at",
            "description",
            "state",
            "attempts",
            "next_attempt_at",
            "last_error",
            "delivered_at",
        ]
        read_only_fields = fields


# --- Updates and replacements (the sender's side, types 2 and 3) -----------------------------


class OutgoingChangeFileSerializer(serializers.ModelSerializer[OutgoingChangeFile]):
    """A corrected file sent with an update."""

    class Meta:
        model = OutgoingChangeFile
        fields = ["id", "name", "content_type", "size", "sha256", "is_main"]
        read_only_fields = fields


class OutgoingChangeSerializer(serializers.ModelSerializer[OutgoingChange]):
    """An update (2) or replacement (3) of a sent document, with each recipient's answer."""

    business_type = serializers.ChoiceField(choices=ChangeKind.choices, read_only=True)
    metadata = EnvelopeSerializer(
        read_only=True, allow_null=True, help_text="An update's corrected metadata."
    )
    files = OutgoingChangeFileSerializer(many=True, read_only=True)
    deliveries = DeliverySerializer(
        many=True,
        read_only=True,
        help_text="One per recipient: 13 asked, then 15 accepted or 16 refused (with the reason).",
    )

    class Meta:
        model = OutgoingChange
        fields = [
            "id",
            "business_type",
            "outgoing",
            "replacement",
            "reason",
            "metadata",
            "requested_by",
            "requested_at",
            "sent_at",
            "files",
            "deliveries",
        ]
        read_only_fields = fields


class UpdateSendSerializer(serializers.Serializer[Any]):
    """Send a correction of a sent document: the reason, the corrected fields, new files.

    A field not sent stays as the recipients have it; something must change.
    """

    reason = serializers.CharField(max_length=500, allow_blank=True, help_text="Required.")
    summary = serializers.CharField(required=False, max_length=500, trim_whitespace=False)
    signer_name = _text(50)
    signer_position = _text(100)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    due_date = serializers.DateField(required=False, allow_null=True)
    page_count = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=32767
    )
    uploads = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        required=False,
        default=list,
        help_text="Corrected files (multipart), the main text first.",
    )


class ReplacementMarkSerializer(serializers.Serializer[Any]):
    """Mark an issued, unsent document as replacing one the agency sent before."""

    replaces = serializers.IntegerField(min_value=1, help_text="The outgoing document replaced.")
    reason = serializers.CharField(max_length=500, allow_blank=True, help_text="Required.")

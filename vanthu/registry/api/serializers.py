"""Serializers of the registers API: shapes and types only; the rules live in services.

References are plain integer ids (ADR 0009): the services answer "not found" for what the
caller may not see. Times are ISO 8601 with the offset of the platform's time zone.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from vanthu.registry.choices import (
    ExchangeMode,
    FileRole,
    IncomingStatus,
    IntakeChannel,
    OutgoingStatus,
    Purpose,
    RegisterKind,
    Urgency,
)
from vanthu.registry.models import (
    DocumentFile,
    DocumentType,
    ExchangePolicyRule,
    Field,
    IncomingDocument,
    OutgoingDocument,
    OutgoingRecipient,
    PaperDispatchTask,
    Register,
)
from vanthu.registry.selectors import INCOMING_SORT_LABELS, OUTGOING_SORT_LABELS
from vanthu.reports.exports import FileFormat
from vanthu.reports.registers import Book


def _optional_id(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, help_text=help_text
    )


def _text(max_length: int, help_text: str = "") -> serializers.CharField:
    return serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=max_length,
        trim_whitespace=False,
        help_text=help_text,
    )


# --- Reference data -------------------------------------------------------------------------


class DocumentTypeSerializer(serializers.ModelSerializer[DocumentType]):
    """A document type of NĐ 30/2020 Điều 7 with its abbreviation."""

    class Meta:
        model = DocumentType
        fields = ["id", "code", "name", "abbreviation", "is_legal_normative", "rank"]
        read_only_fields = fields


class FieldSerializer(serializers.ModelSerializer[Field]):
    """A subject area (lĩnh vực) of an agency."""

    class Meta:
        model = Field
        fields = ["id", "agency", "name", "code", "is_active"]
        read_only_fields = fields


class RegisterSerializer(serializers.ModelSerializer[Register]):
    """A numbered register (sổ văn bản) of an agency."""

    kind = serializers.ChoiceField(choices=RegisterKind.choices, read_only=True)
    document_types = serializers.SerializerMethodField(
        help_text="Ids of the document types numbered in this register; empty: every other type."
    )

    class Meta:
        model = Register
        fields = [
            "id",
            "agency",
            "kind",
            "name",
            "document_types",
            "is_legal_normative",
            "is_active",
        ]
        read_only_fields = fields

    def get_document_types(self, register: Register) -> list[int]:
        return sorted(t.pk for t in register.document_types.all())


class RegisterListQuerySerializer(serializers.Serializer[Any]):
    """Which registers to list."""

    kind = serializers.ChoiceField(
        choices=RegisterKind.choices, required=False, allow_blank=True, default=""
    )
    include_inactive = serializers.BooleanField(
        required=False, default=False, help_text="Also list closed registers."
    )


REGISTER_NAME_HELP = (
    "Name, at most 150 characters once normalised (NFC; TCVN3 or VNI text is converted), "
    "unique among the agency's registers of the kind, ignoring case and diacritics."
)
REGISTER_TYPES_HELP = (
    "Ids of the document types numbered in this register. A legal normative type gets a "
    "register of its own (NĐ 30/2020 Điều 15.2). A type already numbered this year in another "
    "register cannot move before 1 January."
)


class RegisterCreateSerializer(serializers.Serializer[Any]):
    """A new register series of the acting agency, for the document types it lists."""

    kind = serializers.ChoiceField(choices=RegisterKind.choices)
    # Lengths are the service's: NFD or TCVN3 input is longer than the text it stands for.
    name = serializers.CharField(
        allow_blank=True, trim_whitespace=False, help_text=REGISTER_NAME_HELP
    )
    document_types = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=True, help_text=REGISTER_TYPES_HELP
    )


class RegisterPatchSerializer(serializers.Serializer[Any]):
    """The values of a register to change; those left out keep their value."""

    name = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, help_text=REGISTER_NAME_HELP
    )
    document_types = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        allow_empty=True,
        help_text=REGISTER_TYPES_HELP + " Empty: the general register (one per kind).",
    )
    is_active = serializers.BooleanField(
        required=False,
        help_text="False closes the register: its documents, numbers and counters stay, and "
        "no number is ever reused. Refused for a register that numbered documents this year, "
        "and for the only open general register.",
    )


class RegisterBookQuerySerializer(serializers.Serializer[Any]):
    """Which book of a register to print, for which period, in which file format."""

    book = serializers.ChoiceField(
        choices=[
            (Book.INCOMING.value, "Incoming book (Sổ đăng ký văn bản đến)"),
            (Book.OUTGOING.value, "Outgoing book (Sổ đăng ký văn bản đi)"),
            (Book.TRACKING.value, "Tracking book (Sổ theo dõi giải quyết văn bản đến)"),
        ],
        help_text="The NĐ 30/2020 Phụ lục IV layout; `incoming` and `tracking` print an "
        "incoming register, `outgoing` an outgoing one.",
    )
    date_from = serializers.DateField(help_text="First day of the period.")
    date_to = serializers.DateField(help_text="Last day of the period (inclusive).")
    file_format = serializers.ChoiceField(
        choices=[(FileFormat.PDF.value, "PDF"), (FileFormat.XLSX.value, "XLSX")],
        default=FileFormat.PDF.value,
        help_text="`pdf` (A4 landscape, to print and bind) or `xlsx`.",
    )


# --- Files ----------------------------------------------------------------------------------


class DocumentFileSerializer(serializers.ModelSerializer[DocumentFile]):
    """A stored file of a document; its bytes are at `content`."""

    class Meta:
        model = DocumentFile
        fields = [
            "id",
            "role",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "page_count",
            "is_current",
            "previous",
            "signature_status",
            "signature_checked_at",
            "created_at",
        ]
        read_only_fields = fields


# --- Incoming documents ---------------------------------------------------------------------


class IncomingDocumentSerializer(serializers.ModelSerializer[IncomingDocument]):
    """An incoming document as entered in the register (QĐ 22 Điều 6.1.d; NĐ 30 Phụ lục VI)."""

    urgency = serializers.ChoiceField(choices=Urgency.choices, read_only=True)
    status = serializers.ChoiceField(choices=IncomingStatus.choices, read_only=True)
    channel = serializers.ChoiceField(choices=IntakeChannel.choices, read_only=True)
    number_notation = serializers.CharField(read_only=True, help_text="`số/ký hiệu` as printed.")
    files = DocumentFileSerializer(many=True, read_only=True)

    class Meta:
        model = IncomingDocument
        fields = [
            "id",
            "agency",
            "register",
            "year",
            "arrival_number",
            "entered_at",
            "received_at",
            "channel",
            "sender_agency",
            "sender_name",
            "number",
            "notation",
            "number_notation",
            "document_date",
            "document_type",
            "field",
            "summary",
            "signer_name",
            "signer_position",
            "urgency",
            "filing_location",
            "due_date",
            "page_count",
            "notes",
            "paper_received_at",
            "paper_received_by",
            "status",
            "registered_by",
            "files",
        ]
        read_only_fields = fields


class IncomingListQuerySerializer(serializers.Serializer[Any]):
    """Filters of the incoming list, the same as the interface's."""

    received_from = serializers.DateField(required=False, help_text="Received on or after.")
    received_to = serializers.DateField(required=False, help_text="Received on or before.")
    register = serializers.IntegerField(required=False, min_value=1)
    document_type = serializers.IntegerField(required=False, min_value=1)
    field = serializers.IntegerField(required=False, min_value=1, help_text="Subject area id.")
    sender = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Sender agency id or name."
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    status = serializers.ChoiceField(choices=IncomingStatus.choices, required=False)
    overdue = serializers.BooleanField(
        required=False, default=False, help_text="Due date passed and not done."
    )
    q = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Words of the summary or number."
    )
    sort = serializers.ChoiceField(
        choices=list(INCOMING_SORT_LABELS.items()),
        default="-received_at",
        help_text="The interface's sort choices; `-` is descending. Keyset pages follow it.",
    )
    after = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="`next_cursor` of the last page, with the same filters and sort.",
    )
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=200, default=50)


class IncomingPageSerializer(serializers.Serializer[Any]):
    """One page of the incoming list."""

    next_cursor = serializers.CharField(
        allow_null=True, help_text="Pass as `after` for the next page; null on the last page."
    )
    results = IncomingDocumentSerializer(many=True)


class IncomingCreateSerializer(serializers.Serializer[Any]):
    """Register an incoming document: its metadata and files (multipart/form-data)."""

    channel = serializers.ChoiceField(
        choices=[IntakeChannel.ELECTRONIC, IntakeChannel.PAPER_SCAN],
        help_text="`electronic`: each file stored byte for byte; `paper_scan`: the scanned "
        "pages (PDF or images, in order) assembled into one PDF (QĐ 22 Điều 6.1.a, c).",
    )
    uploads = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        allow_empty=False,
        help_text="The files (repeat the part for several).",
    )
    confirm_duplicate = serializers.BooleanField(
        default=False, help_text="Register even though a duplicate was reported (409)."
    )
    sender_agency = _optional_id("Sender agency id from the directory.")
    sender_name = _text(200, "Sender, when not in the directory.")
    number = _text(11)
    notation = _text(30)
    document_date = serializers.DateField()
    document_type = serializers.IntegerField(min_value=1)
    field = _optional_id("Subject area id.")
    summary = serializers.CharField(max_length=500, trim_whitespace=False)
    signer_name = _text(50)
    signer_position = _text(100)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    filing_location = _text(200)
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    page_count = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=32767
    )
    notes = _text(500)


# --- Outgoing documents ---------------------------------------------------------------------


class RecipientSerializer(serializers.ModelSerializer[OutgoingRecipient]):
    """One line of "Nơi nhận"."""

    class Meta:
        model = OutgoingRecipient
        fields = ["agency", "place", "is_filing_copy", "position"]
        read_only_fields = fields


class RecipientInputSerializer(serializers.Serializer[Any]):
    """One line of "Nơi nhận": an agency of the directory, or a free-text place."""

    agency = _optional_id("Recipient agency id from the directory.")
    place = _text(200, "Free-text place; default: the agency's name.")
    is_filing_copy = serializers.BooleanField(
        default=False, help_text="A filing copy (“Lưu: VT, …”), never marked VBĐT."
    )


class OutgoingDocumentSerializer(serializers.ModelSerializer[OutgoingDocument]):
    """An outgoing document of the register (QĐ 22 Điều 6.2.c)."""

    urgency = serializers.ChoiceField(choices=Urgency.choices, read_only=True)
    status = serializers.ChoiceField(choices=OutgoingStatus.choices, read_only=True)
    purpose = serializers.ChoiceField(choices=Purpose.choices, read_only=True)
    exchange_mode = serializers.ChoiceField(
        choices=ExchangeMode.choices, read_only=True, allow_blank=True
    )
    number_notation = serializers.CharField(
        read_only=True, help_text="`số/ký hiệu` as printed, e.g. `05/STTTT-VP`; empty before issue."
    )
    recipients = RecipientSerializer(many=True, read_only=True)
    recipients_display = serializers.SerializerMethodField(
        help_text="“Nơi nhận” as printed: electronic-only documents carry “(VBĐT)” after each "
        "agency recipient (QĐ 22 Điều 3.2.d); filing copies never."
    )
    files = DocumentFileSerializer(many=True, read_only=True)

    class Meta:
        model = OutgoingDocument
        fields = [
            "id",
            "agency",
            "register",
            "year",
            "number",
            "notation",
            "number_notation",
            "document_type",
            "drafting_unit",
            "field",
            "purpose",
            "is_permanent_retention",
            "exchange_mode",
            "urgency",
            "summary",
            "signer",
            "signer_name",
            "signer_position",
            "document_date",
            "sent_at",
            "copies",
            "page_count",
            "notes",
            "status",
            "created_by",
            "issued_by",
            "original_required",
            "revoked_at",
            "revoked_by",
            "revocation_reason",
            "recipients",
            "recipients_display",
            "files",
        ]
        read_only_fields = fields

    def get_recipients_display(self, document: OutgoingDocument) -> list[str]:
        from vanthu.registry.outgoing import recipients_display

        return list(recipients_display(document))


class OutgoingListQuerySerializer(serializers.Serializer[Any]):
    """Filters and sort of the outgoing list, the same as the interface's."""

    date_from = serializers.DateField(required=False, help_text="Document date on or after.")
    date_to = serializers.DateField(required=False, help_text="Document date on or before.")
    register = serializers.IntegerField(required=False, min_value=1)
    document_type = serializers.IntegerField(required=False, min_value=1)
    field = serializers.IntegerField(required=False, min_value=1, help_text="Subject area id.")
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    status = serializers.ChoiceField(choices=OutgoingStatus.choices, required=False)
    paper_overdue = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Only issued documents whose paper copy is past its due time and not yet "
        "sent (QĐ 22 Điều 10.3).",
    )
    q = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Words of the summary or number."
    )
    sort = serializers.ChoiceField(
        choices=list(OUTGOING_SORT_LABELS.items()),
        default="-id",
        help_text="The interface's sort choices; `-` is descending. Keyset pages follow it.",
    )
    after = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="`next_cursor` of the last page, with the same filters and sort.",
    )
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=200, default=50)


class OutgoingPageSerializer(serializers.Serializer[Any]):
    """One page of the outgoing list."""

    next_cursor = serializers.CharField(
        allow_null=True, help_text="Pass as `after` for the next page; null on the last page."
    )
    results = OutgoingDocumentSerializer(many=True)


class OutgoingInputSerializer(serializers.Serializer[Any]):
    """The editable fields of an outgoing document before it is issued."""

    document_type = serializers.IntegerField(min_value=1)
    drafting_unit = _optional_id(
        "Drafting unit id (its short name goes into a Công văn's notation)."
    )
    field = _optional_id("Subject area id.")
    purpose = serializers.ChoiceField(choices=Purpose.choices, default=Purpose.BETWEEN_AGENCIES)
    is_permanent_retention = serializers.BooleanField(default=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    summary = serializers.CharField(max_length=500, trim_whitespace=False)
    signer = _optional_id(
        "The leader who signs (a person of the agency); name and position default to theirs."
    )
    signer_name = _text(50)
    signer_position = _text(100)
    original_required = serializers.BooleanField(
        default=False,
        help_text="The recipients must keep the original: a paper copy follows even when the "
        "document is digitally signed (QĐ 22 Điều 3.4).",
    )
    copies = serializers.IntegerField(default=1, min_value=1, max_value=32767)
    page_count = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=32767
    )
    notes = _text(500)
    recipients = RecipientInputSerializer(many=True, required=False, default=list)


class OutgoingFilesSerializer(serializers.Serializer[Any]):
    """Attach files to a draft (multipart/form-data)."""

    role = serializers.ChoiceField(
        choices=[FileRole.ORIGINAL, FileRole.ATTACHMENT],
        default=FileRole.ORIGINAL,
        help_text="`original`: the document's text; `attachment`: an annex.",
    )
    uploads = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        allow_empty=False,
        help_text="The files (repeat the part for several).",
    )


class RevokeSerializer(serializers.Serializer[Any]):
    """Revoke an issued document."""

    reason = serializers.CharField(max_length=500, trim_whitespace=False)


class IssueSerializer(serializers.Serializer[Any]):
    """Issue a document: take its number."""

    document_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Default: today."
    )


class SentSerializer(serializers.Serializer[Any]):
    """Confirm that sending succeeded (QĐ 22 Điều 10: the sent time)."""

    sent_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="Default: now."
    )


class PaperDispatchTaskSerializer(serializers.ModelSerializer[PaperDispatchTask]):
    """Send the paper copy of an Article 5 document within 0.5 working day (Điều 10.3)."""

    agency = serializers.IntegerField(source="document.agency_id", read_only=True)
    number_notation = serializers.CharField(source="document.number_notation", read_only=True)
    summary = serializers.CharField(source="document.summary", read_only=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = PaperDispatchTask
        fields = [
            "id",
            "agency",
            "document",
            "number_notation",
            "summary",
            "due_at",
            "done_at",
            "done_by",
            "is_overdue",
        ]
        read_only_fields = fields

    def get_is_overdue(self, task: PaperDispatchTask) -> bool:
        from django.utils import timezone

        return task.done_at is None and task.due_at < timezone.now()


# --- Exchange policy ------------------------------------------------------------------------


class ExchangePolicyRuleSerializer(serializers.ModelSerializer[ExchangePolicyRule]):
    """One line of an agency's exchange policy (QĐ 22 Điều 4 and 5)."""

    mode = serializers.ChoiceField(choices=ExchangeMode.choices, read_only=True)
    purpose = serializers.ChoiceField(choices=Purpose.choices, read_only=True, allow_blank=True)

    class Meta:
        model = ExchangePolicyRule
        fields = [
            "id",
            "agency",
            "document_type",
            "purpose",
            "is_legal_normative",
            "is_permanent_retention",
            "mode",
            "legal_basis",
            "priority",
        ]
        read_only_fields = fields


class AgencyScopedQuerySerializer(serializers.Serializer[Any]):
    """Which agency's records to list: default the acting agency."""

    agency = _optional_id("Agency id, among those the caller belongs to; default: the acting one.")


class ExchangePolicyRuleInputSerializer(serializers.Serializer[Any]):
    """An editable line of the exchange policy (agency administrators, Điều 4.2)."""

    agency = _optional_id("Agency id on creation; default: the acting agency. Ignored on update.")

    document_type = _optional_id("Document type id; empty: every type.")
    purpose = serializers.ChoiceField(
        choices=Purpose.choices, required=False, allow_blank=True, default=""
    )
    is_legal_normative = serializers.BooleanField(required=False, allow_null=True, default=None)
    is_permanent_retention = serializers.BooleanField(required=False, allow_null=True, default=None)
    mode = serializers.ChoiceField(choices=ExchangeMode.choices)
    legal_basis = serializers.CharField(max_length=200)
    priority = serializers.IntegerField(default=100, min_value=0, max_value=32767)

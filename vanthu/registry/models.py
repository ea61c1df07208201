"""Registers (sổ văn bản), incoming and outgoing documents, their files and the exchange policy."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from vanthu.core.models import TimeStampedModel
from vanthu.organizations.models import Agency, AgencyOwnedModel, Person, Unit
from vanthu.registry.choices import (
    ExchangeMode,
    FileRole,
    IncomingStatus,
    IntakeChannel,
    OutgoingStatus,
    Purpose,
    RegisterKind,
    SignatureStatus,
    Urgency,
)


class DocumentType(models.Model):
    """A document type (tên loại văn bản) with its abbreviation (NĐ 30/2020 Điều 7, Phụ lục III)."""

    code = models.SlugField("mã", max_length=40, unique=True)
    name = models.CharField("tên loại", max_length=100, unique=True)
    abbreviation = models.CharField(
        "chữ viết tắt", max_length=10, blank=True, help_text="Trống với Công văn, Thư công."
    )
    # Legal normative documents (VBQPPL) carry the year in their number: 22/2017/QĐ-UBND.
    is_legal_normative = models.BooleanField("văn bản quy phạm pháp luật", default=False)
    rank = models.PositiveSmallIntegerField("thứ tự", default=100)

    class Meta:
        verbose_name = "loại văn bản"
        verbose_name_plural = "loại văn bản"
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.name


class Field(AgencyOwnedModel):
    """A subject area (lĩnh vực) an agency files and routes documents by."""

    name = models.CharField("lĩnh vực", max_length=150)
    code = models.CharField("mã", max_length=20, blank=True)
    is_active = models.BooleanField("đang dùng", default=True)

    class Meta:
        verbose_name = "lĩnh vực"
        verbose_name_plural = "lĩnh vực"
        ordering = ["agency_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="field_unique_in_agency"),
        ]

    def __str__(self) -> str:
        return self.name


class Register(AgencyOwnedModel):
    """A numbered register of an agency; numbers restart every year (NĐ 30/2020 Điều 15)."""

    kind = models.CharField("loại sổ", max_length=20, choices=RegisterKind.choices)
    name = models.CharField("tên sổ", max_length=150)
    # Documents of these types go to this register; an empty set = every other type.
    document_types = models.ManyToManyField(
        DocumentType, verbose_name="loại văn bản", blank=True, related_name="registers"
    )
    is_legal_normative = models.BooleanField(
        "sổ văn bản quy phạm pháp luật",
        default=False,
        help_text="NĐ 30/2020 Điều 15: văn bản QPPL đánh số riêng theo từng loại.",
    )
    is_active = models.BooleanField("đang dùng", default=True)

    class Meta:
        verbose_name = "sổ văn bản"
        verbose_name_plural = "sổ văn bản"
        ordering = ["agency_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "kind", "name"], name="register_name_unique_in_agency"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RegisterCounter(models.Model):
    """The last number taken in one register and year; its row is locked to take the next."""

    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="counters")
    year = models.PositiveSmallIntegerField("năm")
    last_number = models.PositiveIntegerField("số cuối", default=0)

    class Meta:
        verbose_name = "bộ đếm số"
        verbose_name_plural = "bộ đếm số"
        constraints = [
            models.UniqueConstraint(fields=["register", "year"], name="counter_register_year"),
        ]

    def __str__(self) -> str:
        return f"{self.register_id}/{self.year}: {self.last_number}"


class ExchangePolicyRule(AgencyOwnedModel):
    """One line of an agency's exchange policy: electronic only, or electronic and paper."""

    document_type = models.ForeignKey(
        DocumentType,
        verbose_name="loại văn bản",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="Trống: mọi loại văn bản.",
    )
    purpose = models.CharField(
        "mục đích",
        max_length=40,
        choices=Purpose.choices,
        blank=True,
        help_text="Trống: mọi mục đích.",
    )
    is_legal_normative = models.BooleanField("văn bản QPPL", null=True, blank=True)
    is_permanent_retention = models.BooleanField("bảo quản vĩnh viễn", null=True, blank=True)
    mode = models.CharField("hình thức trao đổi", max_length=30, choices=ExchangeMode.choices)
    legal_basis = models.CharField("căn cứ", max_length=200)
    priority = models.PositiveSmallIntegerField(
        "thứ tự áp dụng", default=100, help_text="Dòng có thứ tự nhỏ hơn được xét trước."
    )

    class Meta:
        verbose_name = "quy tắc trao đổi văn bản"
        verbose_name_plural = "danh mục trao đổi văn bản"
        ordering = ["agency_id", "priority", "id"]

    def __str__(self) -> str:
        return f"{self.legal_basis}: {self.get_mode_display()}"


class IncomingDocument(AgencyOwnedModel):
    """A document received by the agency, entered in its incoming register (QĐ 22 Điều 6.1)."""

    register = models.ForeignKey(Register, verbose_name="sổ", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField("năm")
    arrival_number = models.PositiveIntegerField("số đến")
    # Điều 10: `entered_at` is when the document entered the system; `received_at` is the legal
    # received time, moved to the start of the next working session outside office hours.
    entered_at = models.DateTimeField("thời điểm vào hệ thống")
    received_at = models.DateTimeField("thời điểm nhận")
    channel = models.CharField("hình thức nhận", max_length=20, choices=IntakeChannel.choices)
    sender_agency = models.ForeignKey(
        Agency,
        verbose_name="cơ quan gửi",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sender_name = models.CharField("nơi gửi", max_length=200)
    number = models.CharField("số", max_length=11, blank=True)
    notation = models.CharField("ký hiệu", max_length=30, blank=True)
    document_date = models.DateField("ngày văn bản")
    document_type = models.ForeignKey(
        DocumentType, verbose_name="loại văn bản", on_delete=models.PROTECT, related_name="+"
    )
    field = models.ForeignKey(
        Field, verbose_name="lĩnh vực", null=True, blank=True, on_delete=models.PROTECT
    )
    summary = models.CharField("trích yếu", max_length=500)
    signer_name = models.CharField("người ký", max_length=50, blank=True)
    signer_position = models.CharField("chức vụ người ký", max_length=100, blank=True)
    urgency = models.CharField(
        "độ khẩn", max_length=20, choices=Urgency.choices, default=Urgency.NORMAL
    )
    filing_location = models.CharField("nơi lưu", max_length=200, blank=True)
    due_date = models.DateField("hạn xử lý", null=True, blank=True)
    page_count = models.PositiveSmallIntegerField("số trang", null=True, blank=True)
    notes = models.CharField("ghi chú", max_length=500, blank=True)
    # Điều 6.1.b: the paper copy of an Article 5 document arrives after the electronic one.
    paper_received_at = models.DateTimeField("nhận bản giấy lúc", null=True, blank=True)
    paper_received_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "trạng thái",
        max_length=20,
        choices=IncomingStatus.choices,
        default=IncomingStatus.REGISTERED,
    )
    registered_by = models.ForeignKey(
        Person, verbose_name="người vào sổ", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "văn bản đến"
        verbose_name_plural = "văn bản đến"
        ordering = ["-year", "-arrival_number"]
        constraints = [
            # Backstop of the locked counter: never two documents with one number.
            models.UniqueConstraint(
                fields=["register", "year", "arrival_number"], name="incoming_number_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "-received_at", "-id"], name="incoming_agency_recv_idx"),
            models.Index(fields=["agency", "status", "due_date"], name="incoming_agency_due_idx"),
            # The list's sorts and period filter at millions of rows (bench/registers.py).
            models.Index(fields=["agency", "document_date"], name="incoming_agency_date_idx"),
            models.Index(
                fields=["agency", "-year", "-arrival_number", "-id"],
                name="incoming_agency_number_idx",
            ),
            models.Index(fields=["agency", "due_date", "id"], name="incoming_agency_due_sort_idx"),
            models.Index(
                fields=["agency", "sender_name", "number", "notation", "document_date"],
                name="incoming_duplicate_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.arrival_number}/{self.year} — {self.summary[:80]}"

    @property
    def number_notation(self) -> str:
        """Return `số/ký hiệu` as printed, e.g. `125/STTTT-VP`."""
        return "/".join(part for part in (self.number, self.notation) if part)


class OutgoingDocument(AgencyOwnedModel):
    """A document the agency issues; numbered when issued, never reused (QĐ 22 Điều 6.2)."""

    register = models.ForeignKey(
        Register, verbose_name="sổ", null=True, blank=True, on_delete=models.PROTECT
    )
    year = models.PositiveSmallIntegerField("năm", null=True, blank=True)
    number = models.PositiveIntegerField("số", null=True, blank=True)
    notation = models.CharField("ký hiệu", max_length=30, blank=True)
    document_type = models.ForeignKey(
        DocumentType, verbose_name="loại văn bản", on_delete=models.PROTECT, related_name="+"
    )
    drafting_unit = models.ForeignKey(
        Unit, verbose_name="đơn vị soạn thảo", null=True, blank=True, on_delete=models.PROTECT
    )
    field = models.ForeignKey(
        Field, verbose_name="lĩnh vực", null=True, blank=True, on_delete=models.PROTECT
    )
    purpose = models.CharField(
        "mục đích", max_length=40, choices=Purpose.choices, default=Purpose.BETWEEN_AGENCIES
    )
    is_permanent_retention = models.BooleanField("bảo quản vĩnh viễn", default=False)
    exchange_mode = models.CharField(
        "hình thức trao đổi", max_length=30, choices=ExchangeMode.choices, blank=True
    )
    urgency = models.CharField(
        "độ khẩn", max_length=20, choices=Urgency.choices, default=Urgency.NORMAL
    )
    summary = models.CharField("trích yếu", max_length=500)
    signer = models.ForeignKey(
        Person,
        verbose_name="người ký",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signer_name = models.CharField("họ tên người ký", max_length=50, blank=True)
    signer_position = models.CharField("chức vụ người ký", max_length=100, blank=True)
    document_date = models.DateField("ngày văn bản", null=True, blank=True)
    # Điều 10: the sent time is when sending succeeded.
    sent_at = models.DateTimeField("thời điểm gửi", null=True, blank=True)
    copies = models.PositiveSmallIntegerField("số lượng bản", default=1)
    page_count = models.PositiveSmallIntegerField("số trang", null=True, blank=True)
    notes = models.CharField("ghi chú", max_length=500, blank=True)
    status = models.CharField(
        "trạng thái", max_length=20, choices=OutgoingStatus.choices, default=OutgoingStatus.DRAFT
    )
    created_by = models.ForeignKey(
        Person, verbose_name="người tạo", on_delete=models.PROTECT, related_name="+"
    )
    issued_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # QĐ 22 Điều 3.4: a signed electronic document goes without paper unless the recipients
    # must keep the original (bản chính).
    original_required = models.BooleanField("nơi nhận phải lưu bản chính", default=False)
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)
    revoked_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revocation_reason = models.CharField("lý do thu hồi", max_length=500, blank=True)

    class Meta:
        verbose_name = "văn bản đi"
        verbose_name_plural = "văn bản đi"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["register", "year", "number"],
                condition=Q(number__isnull=False),
                name="outgoing_number_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "status", "-id"], name="outgoing_agency_status_idx"),
            models.Index(fields=["agency", "-sent_at"], name="outgoing_agency_sent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number_notation or 'Chưa cấp số'} — {self.summary[:80]}"

    @property
    def number_notation(self) -> str:
        """Return `số/ký hiệu` as printed; numbers below 10 get a leading 0 (NĐ 30 Phụ lục I)."""
        if self.number is None:
            return ""
        return f"{self.number:02d}/{self.notation}"


class OutgoingRecipient(models.Model):
    """One line of "Nơi nhận": an agency by identifier, or a free-text place."""

    document = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="recipients"
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name="cơ quan nhận",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    place = models.CharField("nơi nhận", max_length=200)
    # Recipients inside the agency ("Lưu: VT, …") receive no electronic delivery.
    is_filing_copy = models.BooleanField("bản lưu", default=False)
    position = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "nơi nhận"
        verbose_name_plural = "nơi nhận"
        ordering = ["document_id", "position", "id"]

    def __str__(self) -> str:
        return self.place


class PaperDispatchTask(models.Model):
    """Send the signed paper copy of an Article 5 document, due 0.5 working day (Điều 10.3)."""

    document = models.OneToOneField(
        OutgoingDocument, on_delete=models.CASCADE, related_name="paper_dispatch"
    )
    due_at = models.DateTimeField("hạn gửi bản giấy")
    done_at = models.DateTimeField("đã gửi lúc", null=True, blank=True)
    done_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "việc gửi bản giấy"
        verbose_name_plural = "việc gửi bản giấy"
        indexes = [models.Index(fields=["done_at", "due_at"], name="paper_task_due_idx")]

    def __str__(self) -> str:
        return f"Gửi bản giấy {self.document_id}"


class DocumentFile(TimeStampedModel):
    """A stored file of an incoming or outgoing document; the original is kept byte for byte."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    incoming = models.ForeignKey(
        IncomingDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="files"
    )
    outgoing = models.ForeignKey(
        OutgoingDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="files"
    )
    role = models.CharField("vai trò", max_length=20, choices=FileRole.choices)
    file = models.FileField("tệp", upload_to="documents/%Y/%m/", max_length=300)
    original_name = models.CharField("tên tệp", max_length=255)
    content_type = models.CharField("kiểu tệp", max_length=100)
    size = models.PositiveBigIntegerField("dung lượng")
    sha256 = models.CharField("mã băm SHA-256", max_length=64, db_index=True)
    page_count = models.PositiveIntegerField("số trang", null=True, blank=True)
    uploaded_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    # A signature adds an incremental revision: a new file; the one it extends stays stored.
    previous = models.ForeignKey(
        "self",
        verbose_name="bản trước",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_current = models.BooleanField("bản hiện hành", default=True)
    signature_status = models.CharField(
        "chữ ký số",
        max_length=20,
        choices=SignatureStatus.choices,
        default=SignatureStatus.NOT_CHECKED,
    )
    # The validation report kept as evidence (vanthu.signatures.validation.PdfReport.to_dict).
    signature_report = models.JSONField("kết quả kiểm tra chữ ký số", null=True, blank=True)
    signature_checked_at = models.DateTimeField("kiểm tra chữ ký số lúc", null=True, blank=True)

    class Meta:
        verbose_name = "tệp văn bản"
        verbose_name_plural = "tệp văn bản"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(incoming__isnull=False, outgoing__isnull=True)
                | Q(incoming__isnull=True, outgoing__isnull=False),
                name="document_file_one_owner",
            ),
        ]
        indexes = [models.Index(fields=["agency", "sha256"], name="document_file_hash_idx")]

    def __str__(self) -> str:
        return self.original_name

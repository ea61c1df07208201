"""Handling and direction of documents (NĐ 30/2020 Điều 23, 24; QĐ 22 Điều 6.1, 12)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from vanthu.organizations.models import Agency, AgencyOwnedModel, Person, Unit
from vanthu.registry.models import DocumentType, IncomingDocument, OutgoingDocument
from vanthu.workflow.choices import (
    AssignmentRole,
    AssignmentState,
    DraftState,
    ExtensionState,
    NotificationKind,
    SubmissionState,
)


class Submission(AgencyOwnedModel):
    """A registered incoming document presented by the clerk to a leader for direction."""

    incoming = models.ForeignKey(
        IncomingDocument,
        verbose_name="văn bản đến",
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    leader = models.ForeignKey(
        Person, verbose_name="lãnh đạo", on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        Person, verbose_name="người trình", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("trình lúc")
    is_urgent = models.BooleanField("khẩn", default=False)
    state = models.CharField(
        "trạng thái",
        max_length=20,
        choices=SubmissionState.choices,
        default=SubmissionState.AWAITING,
    )
    direction_note = models.TextField("ý kiến chỉ đạo", blank=True)
    directed_at = models.DateTimeField("chỉ đạo lúc", null=True, blank=True)
    due_date = models.DateField("hạn xử lý", null=True, blank=True)

    class Meta:
        verbose_name = "văn bản trình"
        verbose_name_plural = "văn bản trình"
        ordering = ["-is_urgent", "submitted_at", "id"]
        indexes = [
            models.Index(
                fields=["leader", "state", "-is_urgent", "submitted_at"],
                name="submission_leader_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Trình {self.incoming_id} → {self.leader_id}"


# The rows of the monitoring indexes (see Assignment.Meta.indexes).
_GIVEN = Q(role__in=[AssignmentRole.LEAD, AssignmentRole.CO]) & ~Q(state=AssignmentState.CANCELLED)
_OPEN = Q(state__in=[AssignmentState.NEW, AssignmentState.IN_PROGRESS, AssignmentState.DELEGATED])
_LEAD_DONE = Q(role=AssignmentRole.LEAD, state=AssignmentState.DONE)
# The agency's figures read its top-level rows (the total) and every unit's rows (the lines).
_AGENCY_ROWS = Q(parent__isnull=True) | Q(assignee_unit__isnull=False)


class Assignment(AgencyOwnedModel):
    """One unit's or person's part in handling an incoming document (chủ trì, phối hợp, để biết).

    A leader's direction creates the first assignments; an assignee may pass theirs down the unit
    tree (a child assignment, `parent`), return it, or complete it with a result.
    """

    incoming = models.ForeignKey(
        IncomingDocument,
        verbose_name="văn bản đến",
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="assignments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    role = models.CharField("vai trò", max_length=10, choices=AssignmentRole.choices)
    assignee_unit = models.ForeignKey(
        Unit,
        verbose_name="đơn vị",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assignee = models.ForeignKey(
        Person,
        verbose_name="người xử lý",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    assigned_by = models.ForeignKey(
        Person, verbose_name="người giao", on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField("giao lúc")
    note = models.TextField("nội dung giao", blank=True)
    due_date = models.DateField("hạn xử lý", null=True, blank=True)
    state = models.CharField(
        "trạng thái", max_length=20, choices=AssignmentState.choices, default=AssignmentState.NEW
    )
    accepted_at = models.DateTimeField("tiếp nhận lúc", null=True, blank=True)
    completed_at = models.DateTimeField("hoàn thành lúc", null=True, blank=True)
    # Recorded on completion (`timing.completion_facts`) for the monitoring figures: completed
    # after its due date (moved off days off), and working days from assignment to completion.
    completed_late = models.BooleanField("hoàn thành quá hạn", null=True, blank=True)
    handling_days = models.PositiveIntegerField("số ngày làm việc xử lý", null=True, blank=True)
    result_note = models.TextField("kết quả", blank=True)
    reply = models.ForeignKey(
        OutgoingDocument,
        verbose_name="văn bản trả lời",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answers",
    )

    class Meta:
        verbose_name = "phân công xử lý"
        verbose_name_plural = "phân công xử lý"
        ordering = ["incoming_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(assignee_unit__isnull=False) | Q(assignee__isnull=False),
                name="assignment_has_assignee",
            ),
        ]
        # Monitoring, "Việc của tôi" and the deadline scan at millions of rows (ADR 0019,
        # bench/workflow.py): per agency, unit and person, one partial index each for what was
        # given out (by assigned_at), what is open (by due_date) and the lead work done (by
        # completed_at), holding every column those counts read, so that PostgreSQL answers
        # them from the index alone. The conditions repeat the queries' own filters word for word
        # (`monitoring.HANDLED_ROLES`, `scan.OPEN_STATES`): the planner matches them literally.
        indexes = [
            models.Index(
                fields=["agency", "assigned_at", "assignee_unit", "parent", "id"],
                condition=_GIVEN & _AGENCY_ROWS,
                name="assignment_agency_given_idx",
            ),
            models.Index(
                fields=["agency", "due_date", "assignee_unit", "parent", "role", "id"],
                condition=_OPEN & _AGENCY_ROWS,
                name="assignment_agency_open_idx",
            ),
            models.Index(
                fields=[
                    "agency",
                    "completed_at",
                    "assignee_unit",
                    "parent",
                    "completed_late",
                    "handling_days",
                    "id",
                ],
                condition=_LEAD_DONE & _AGENCY_ROWS,
                name="assignment_agency_done_idx",
            ),
            models.Index(
                fields=["assignee_unit", "assigned_at", "agency", "id"],
                condition=_GIVEN & Q(assignee_unit__isnull=False),
                name="assignment_unit_given_idx",
            ),
            models.Index(
                fields=["assignee_unit", "due_date", "role", "agency", "id"],
                condition=_OPEN & Q(assignee_unit__isnull=False),
                name="assignment_unit_open_idx",
            ),
            models.Index(
                fields=[
                    "assignee_unit",
                    "completed_at",
                    "completed_late",
                    "handling_days",
                    "agency",
                    "id",
                ],
                condition=_LEAD_DONE & Q(assignee_unit__isnull=False),
                name="assignment_unit_done_idx",
            ),
            models.Index(
                fields=["assignee", "assigned_at", "agency", "id"],
                condition=_GIVEN & Q(assignee__isnull=False),
                name="assignment_person_given_idx",
            ),
            models.Index(
                fields=["assignee", "due_date", "role", "agency", "id"],
                condition=_OPEN & Q(assignee__isnull=False),
                name="assignment_person_open_idx",
            ),
            models.Index(
                fields=[
                    "assignee",
                    "completed_at",
                    "completed_late",
                    "handling_days",
                    "agency",
                    "id",
                ],
                condition=_LEAD_DONE & Q(assignee__isnull=False),
                name="assignment_person_done_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.incoming_id}"


class ExtensionRequest(models.Model):
    """An assignee asks the assigner for a later due date."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="extension_requests"
    )
    requested_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("đề nghị lúc")
    requested_due = models.DateField("hạn đề nghị")
    reason = models.TextField("lý do")
    state = models.CharField(
        "trạng thái",
        max_length=20,
        choices=ExtensionState.choices,
        default=ExtensionState.PENDING,
    )
    decided_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("quyết định lúc", null=True, blank=True)
    decision_note = models.TextField("ý kiến", blank=True)

    class Meta:
        verbose_name = "đề nghị gia hạn"
        verbose_name_plural = "đề nghị gia hạn"
        ordering = ["assignment_id", "id"]

    def __str__(self) -> str:
        return f"Gia hạn {self.assignment_id} đến {self.requested_due}"


class Step(models.Model):
    """One line of a document's handling timeline (who did what, when, with which note)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    incoming = models.ForeignKey(
        IncomingDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="steps"
    )
    outgoing = models.ForeignKey(
        OutgoingDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="steps"
    )
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.PROTECT, related_name="steps"
    )
    actor = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField("bước", max_length=40)
    text = models.CharField("nội dung", max_length=500)
    note = models.TextField("ghi chú", blank=True)
    at = models.DateTimeField("lúc")

    class Meta:
        verbose_name = "bước xử lý"
        verbose_name_plural = "các bước xử lý"
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["incoming", "at"], name="step_incoming_idx"),
            models.Index(fields=["outgoing", "at"], name="step_outgoing_idx"),
        ]

    def __str__(self) -> str:
        return self.text


class ReviewRoute(AgencyOwnedModel):
    """The review steps a draft goes through before the clerk issues it (per document type)."""

    document_type = models.ForeignKey(
        DocumentType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Để trống: mọi loại văn bản chưa có quy trình riêng.",
    )
    # Roles in order, e.g. ["unit_head", "leader"]: the drafter's unit head, then the signer.
    steps = models.JSONField("các bước duyệt")

    class Meta:
        verbose_name = "quy trình duyệt dự thảo"
        verbose_name_plural = "quy trình duyệt dự thảo"
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "document_type"],
                condition=Q(document_type__isnull=False),
                name="review_route_unique_per_type",
            ),
            models.UniqueConstraint(
                fields=["agency"],
                condition=Q(document_type__isnull=True),
                name="review_route_unique_default",
            ),
        ]

    def __str__(self) -> str:
        return " → ".join(self.steps)


class DraftReview(AgencyOwnedModel):
    """An outgoing draft on its way: drafting, review steps, approval and signature, issue."""

    outgoing = models.OneToOneField(
        OutgoingDocument, on_delete=models.PROTECT, related_name="review"
    )
    drafter = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    answers = models.ForeignKey(
        Assignment,
        verbose_name="trả lời cho",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drafts",
    )
    state = models.CharField(
        "trạng thái", max_length=20, choices=DraftState.choices, default=DraftState.DRAFTING
    )
    steps = models.JSONField("các bước duyệt", default=list)
    step_index = models.PositiveSmallIntegerField("bước hiện tại", default=0)
    reviewer = models.ForeignKey(
        Person,
        verbose_name="người đang duyệt",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "dự thảo văn bản đi"
        verbose_name_plural = "dự thảo văn bản đi"
        indexes = [models.Index(fields=["reviewer", "state"], name="draft_reviewer_idx")]

    def __str__(self) -> str:
        return f"Dự thảo {self.outgoing_id}"


class Notification(models.Model):
    """A message in a person's inbox; some are also sent by e-mail."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notifications")
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("loại", max_length=30, choices=NotificationKind.choices)
    title = models.CharField("tiêu đề", max_length=300)
    link = models.CharField("đường dẫn", max_length=300, blank=True)
    is_urgent = models.BooleanField("khẩn", default=False)
    created_at = models.DateTimeField("lúc", auto_now_add=True)
    read_at = models.DateTimeField("đã đọc lúc", null=True, blank=True)
    emailed_at = models.DateTimeField("đã gửi thư lúc", null=True, blank=True)
    # What the notice is about, so a repeated scan (due soon, overdue) does not repeat it.
    subject_key = models.CharField("khóa", max_length=80, blank=True)

    class Meta:
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["person", "read_at", "-created_at"], name="notice_inbox_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "subject_key"],
                condition=~Q(subject_key=""),
                name="notice_once_per_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.title

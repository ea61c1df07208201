"""Drafting outgoing documents: versions, review, approval and signature, then the clerk issues.

A staff member drafts (DOCX, ODT or PDF; every version kept, each new one pointing at the one
before), submits it; the agency's review route for the document type (default: the drafter's
unit head, then the leader who signs) decides who reviews, one step after another. A reviewer
approves or returns it with a note; at the leader's step an agency that signs digitally needs
the text signed first (QĐ 22 Điều 3.3). The approved draft goes to the clerk, who numbers,
signs for the agency and sends it; issuing a draft that answers an assignment completes that
assignment. Every state change goes through `states.DRAFT` on a locked row, is journalled and
added to the document's timeline.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Model, Q, QuerySet

from vanthu.core.actor import Actor
from vanthu.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from vanthu.core.journal import journal_record, snapshot
from vanthu.core.text import normalize_text
from vanthu.organizations.choices import Role
from vanthu.organizations.models import RoleGrant
from vanthu.organizations.permissions import can_manage_agency, can_see_agency_data
from vanthu.registry.choices import FileRole, OutgoingStatus, SignatureStatus
from vanthu.registry.drafts import DRAFTERS_ONLY, check_text_name, outgoing_draft_create
from vanthu.registry.files import upload_inspect
from vanthu.registry.models import DocumentFile, DocumentType, OutgoingDocument
from vanthu.registry.outgoing import OutgoingData, RecipientData
from vanthu.registry.permissions import can_register, can_view_documents
from vanthu.registry.stored_files import Saved, document_file_store, stored_files_remove
from vanthu.workflow.choices import AssignmentState, DraftState, NotificationKind
from vanthu.workflow.models import Assignment, DraftReview, ReviewRoute, Step
from vanthu.workflow.notify import notify
from vanthu.workflow.states import DRAFT, transition
from vanthu.workflow.timeline import step_record

NOT_FOUND = "Không tìm thấy."
INVALID = "Thông tin dự thảo chưa hợp lệ."
NOTE_LIMIT = 4000
DRAFT_LABELS = dict(DraftState.choices)
REVIEW_ROLES = ("unit_head", "leader")
REVIEW_ROLE_LABELS = {"unit_head": "Trưởng đơn vị", "leader": "Lãnh đạo cơ quan"}
DEFAULT_STEPS = ["unit_head", "leader"]
MAX_STEPS = 5
SIGN_FIRST = (
    "Văn bản chưa có chữ ký số hợp lệ của người ký. Hãy ký số văn bản ở mục “Chữ ký số” "
    "trên trang văn bản đi, rồi bấm “Duyệt”."
)
NOT_APPROVED = "Dự thảo chưa được duyệt xong; chưa phát hành được văn bản."


def draft_link(draft_id: int) -> str:
    """Return the path of a draft's page (for notices); see `urls_drafting`."""
    return f"/xu-ly/du-thao/{draft_id}/"


# --- Helpers ---------------------------------------------------------------------------------


def _note(value: str, field: str = "note", *, required: bool = False) -> str:
    text = normalize_text(value or "", field=field)
    if required and not text:
        raise ValidationFailed(INVALID, fields={field: ["Hãy ghi ý kiến."]})
    if len(text) > NOTE_LIMIT:
        raise ValidationFailed(INVALID, fields={field: [f"Tối đa {NOTE_LIMIT} ký tự."]})
    return text


def _journal(
    actor: Actor, action: str, instance: Model, agency_id: int, before: dict[str, object] | None
) -> None:
    journal_record(
        actor=actor,
        action=action,
        instance=instance,
        agency_id=agency_id,
        before=before,
        after=snapshot(instance),
    )


def _locked(actor: Actor, draft_id: int) -> DraftReview:
    draft = (
        DraftReview.objects.select_for_update(of=("self",))
        .select_related("outgoing", "outgoing__document_type")
        .filter(pk=draft_id)
        .first()
    )
    if draft is None or not can_view_documents(actor, draft.agency_id):
        raise NotFound(NOT_FOUND)
    return draft


def _require_drafter(actor: Actor, draft: DraftReview) -> None:
    if actor.person_id is None or draft.drafter_id != actor.person_id:
        raise PermissionDenied("Chỉ người soạn thảo được thao tác này.")


def _require_reviewer(actor: Actor, draft: DraftReview) -> None:
    if actor.person_id is None or draft.reviewer_id != actor.person_id:
        raise PermissionDenied("Dự thảo không chờ bạn duyệt.")


def _move(draft: DraftReview, action: str) -> dict[str, object]:
    """Check the transition first (nothing changes if refused); return the journal's before."""
    before = snapshot(draft)
    draft.state = transition(DRAFT, draft.state, action, labels=DRAFT_LABELS)
    return before


def _title(draft: DraftReview, prefix: str) -> str:
    return f"{prefix}: {draft.outgoing.summary}"[:300]


def current_text(outgoing_id: int) -> DocumentFile | None:
    """Return the current version of a draft's text (None before the first upload)."""
    texts = list(
        DocumentFile.objects.filter(
            outgoing_id=outgoing_id, role=FileRole.ORIGINAL, is_current=True
        ).order_by("-id")[:2]
    )
    if len(texts) > 1:
        raise ValidationFailed(
            INVALID, fields={"files": ["Văn bản có nhiều tệp văn bản; chỉ giữ một tệp dự thảo."]}
        )
    return texts[0] if texts else None


def _text_signed(outgoing_id: int) -> bool:
    return DocumentFile.objects.filter(
        outgoing_id=outgoing_id,
        role=FileRole.ORIGINAL,
        is_current=True,
        signature_status=SignatureStatus.VALID,
    ).exists()


def signing_required(agency_id: int) -> bool:
    """Return whether the agency's documents are signed digitally before issue."""
    from vanthu.signatures.outgoing import signing_required as required

    return required(agency_id)


# --- Review routes -------------------------------------------------------------------------


def route_steps(agency_id: int, document_type_id: int | None) -> list[str]:
    """Return the review steps for a document type: its route, the agency's default, or ours."""
    routes = {
        r.document_type_id: r
        for r in ReviewRoute.objects.filter(agency_id=agency_id).filter(
            Q(document_type_id=document_type_id) | Q(document_type__isnull=True)
        )
    }
    route = routes.get(document_type_id) or routes.get(None)
    return list(route.steps) if route is not None else list(DEFAULT_STEPS)


def review_route_list(*, actor: Actor) -> QuerySet[ReviewRoute]:
    """Return the acting agency's review routes (the default one first)."""
    agency_id = actor.agency_id
    if agency_id is None or not can_see_agency_data(actor, agency_id):
        return ReviewRoute.objects.none()
    return (
        ReviewRoute.objects.filter(agency_id=agency_id)
        .select_related("document_type")
        .order_by("document_type__name", "id")
    )


def _clean_steps(steps: Sequence[str]) -> list[str]:
    cleaned = [str(s) for s in steps]
    if not 1 <= len(cleaned) <= MAX_STEPS:
        raise ValidationFailed(
            INVALID, fields={"steps": [f"Quy trình có từ 1 đến {MAX_STEPS} bước duyệt."]}
        )
    wrong = [s for s in cleaned if s not in REVIEW_ROLES]
    if wrong:
        raise ValidationFailed(
            INVALID,
            fields={"steps": ["Mỗi bước là “unit_head” (trưởng đơn vị) hoặc “leader” (lãnh đạo)."]},
        )
    return cleaned


def review_route_set(
    *, actor: Actor, document_type_id: int | None, steps: Sequence[str]
) -> ReviewRoute:
    """Set the review steps of the acting agency for a document type (None: every other type)."""
    agency_id = actor.agency_id
    if agency_id is None:
        raise PermissionDenied("Chỉ quản trị cơ quan được sửa quy trình duyệt.")
    if not can_manage_agency(actor, agency_id):
        if not can_see_agency_data(actor, agency_id):
            raise NotFound(NOT_FOUND)
        raise PermissionDenied("Chỉ quản trị cơ quan được sửa quy trình duyệt.")
    cleaned = _clean_steps(steps)
    if (
        document_type_id is not None
        and not DocumentType.objects.filter(pk=document_type_id).exists()
    ):
        raise ValidationFailed(INVALID, fields={"document_type": ["Loại văn bản không tồn tại."]})
    with transaction.atomic():
        route = (
            ReviewRoute.objects.select_for_update()
            .filter(agency_id=agency_id, document_type_id=document_type_id)
            .first()
        )
        before = snapshot(route) if route is not None else None
        if route is None:
            route = ReviewRoute(agency_id=agency_id, document_type_id=document_type_id)
        route.steps = cleaned
        route.save()
        _journal(actor, "workflow.review_route.set", route, agency_id, before)
    return route


# --- Who reviews ---------------------------------------------------------------------------


def _drafter_units(draft: DraftReview) -> set[int]:
    return {
        unit_id
        for unit_id in RoleGrant.objects.filter(
            person_id=draft.drafter_id, agency_id=draft.agency_id, unit__isnull=False
        ).values_list("unit_id", flat=True)
        if unit_id is not None
    }


def _reviewer_for(draft: DraftReview, role: str) -> int | None:
    """Return who reviews at a step; None when the step does not apply (it is skipped)."""
    agency_id = draft.agency_id
    if role == "unit_head":
        heads = RoleGrant.objects.filter(
            person_id=draft.drafter_id,
            agency_id=agency_id,
            role__in=(Role.UNIT_HEAD, Role.LEADER),
        )
        if heads.exists():
            return None  # a unit head or a leader does not review their own draft first
        units = _drafter_units(draft)
        if not units:
            return None  # a drafter outside any unit goes straight to the next step
        head = (
            RoleGrant.objects.filter(
                agency_id=agency_id,
                role=Role.UNIT_HEAD,
                unit_id__in=units,
                person__is_active=True,
            )
            .order_by("id")
            .values_list("person_id", flat=True)
            .first()
        )
        if head is None:
            raise ValidationFailed(
                INVALID,
                fields={"steps": ["Đơn vị của người soạn thảo chưa có trưởng đơn vị để duyệt."]},
            )
        return int(head)
    outgoing = draft.outgoing
    if (
        outgoing.signer_id is not None
        and RoleGrant.objects.filter(
            person_id=outgoing.signer_id, agency_id=agency_id, person__is_active=True
        ).exists()
    ):
        return int(outgoing.signer_id)
    leader = (
        RoleGrant.objects.filter(agency_id=agency_id, role=Role.LEADER, person__is_active=True)
        .order_by("id")
        .values_list("person_id", flat=True)
        .first()
    )
    if leader is None:
        raise ValidationFailed(
            INVALID, fields={"steps": ["Cơ quan chưa có lãnh đạo để duyệt, ký văn bản."]}
        )
    return int(leader)


# --- Reading -------------------------------------------------------------------------------


def draft_get(*, actor: Actor, draft_id: int) -> DraftReview:
    """Return one draft of an agency the actor works for (another agency's: NotFound)."""
    draft = (
        DraftReview.objects.select_related(
            "outgoing",
            "outgoing__document_type",
            "outgoing__drafting_unit",
            "drafter",
            "reviewer",
            "answers",
            "answers__incoming",
        )
        .filter(pk=draft_id)
        .first()
    )
    if draft is None or not can_view_documents(actor, draft.agency_id):
        raise NotFound(NOT_FOUND)
    return draft


def _drafts() -> QuerySet[DraftReview]:
    return DraftReview.objects.select_related(
        "outgoing", "outgoing__document_type", "drafter", "reviewer"
    )


def draft_list_mine(*, actor: Actor) -> QuerySet[DraftReview]:
    """Return the actor's drafts in the acting agency, newest first."""
    if actor.person_id is None or actor.agency_id is None:
        return DraftReview.objects.none()
    return _drafts().filter(agency_id=actor.agency_id, drafter_id=actor.person_id).order_by("-id")


def draft_list_to_review(*, actor: Actor) -> QuerySet[DraftReview]:
    """Return the drafts waiting for the actor's review, oldest first."""
    if actor.person_id is None or actor.agency_id is None:
        return DraftReview.objects.none()
    return (
        _drafts()
        .filter(agency_id=actor.agency_id, reviewer_id=actor.person_id, state=DraftState.IN_REVIEW)
        .order_by("id")
    )


def draft_list_to_issue(*, actor: Actor) -> QuerySet[DraftReview]:
    """Return the approved drafts waiting for the clerk to issue them (clerks only)."""
    if actor.agency_id is None or not can_register(actor, actor.agency_id):
        return DraftReview.objects.none()
    return _drafts().filter(agency_id=actor.agency_id, state=DraftState.APPROVED).order_by("id")


def draft_versions(draft: DraftReview) -> list[DocumentFile]:
    """Return every version of the draft's text (uploads and signed revisions), newest first."""
    return list(
        DocumentFile.objects.filter(outgoing_id=draft.outgoing_id, role=FileRole.ORIGINAL)
        .select_related("uploaded_by")
        .order_by("-id")
    )


def draft_timeline(draft: DraftReview) -> list[Step]:
    """Return the steps of the draft's outgoing document, in order."""
    return list(
        Step.objects.filter(outgoing_id=draft.outgoing_id)
        .select_related("actor")
        .order_by("at", "id")
    )


def draft_actions(actor: Actor, draft: DraftReview) -> set[str]:
    """Return what the actor may do to the draft now (the page shows these buttons)."""
    person = actor.person_id
    actions: set[str] = set()
    if person is None or not can_view_documents(actor, draft.agency_id):
        return actions
    actions.add("comment")
    if draft.state == DraftState.DRAFTING and draft.drafter_id == person:
        actions |= {"version", "submit"}
    if draft.state == DraftState.IN_REVIEW and draft.reviewer_id == person:
        actions |= {"approve", "return"}
        if draft.steps[draft.step_index : draft.step_index + 1] == ["leader"]:
            actions.add("sign")
    if draft.state == DraftState.APPROVED and can_register(actor, draft.agency_id):
        actions |= {"return", "issue"}
    return actions


# --- Changing ------------------------------------------------------------------------------


def draft_create(
    *,
    actor: Actor,
    data: OutgoingData,
    recipients: Sequence[RecipientData],
    files: Sequence[tuple[str, bytes]],
    attachments: Sequence[tuple[str, bytes]] = (),
    answers_assignment_id: int | None = None,
) -> DraftReview:
    """Start a draft: the outgoing document (not numbered), its text, and its review record.

    `answers_assignment_id`: the assignment (of an incoming document) this draft replies to;
    the actor must be its assignee and have accepted it. Issuing the reply completes it.
    """
    from vanthu.workflow.handling import is_assignee

    if actor.agency_id is None:
        raise PermissionDenied(DRAFTERS_ONLY)
    saved: Saved = []
    try:
        with transaction.atomic():
            assignment = None
            if answers_assignment_id is not None:
                assignment = (
                    Assignment.objects.select_for_update()
                    .filter(pk=answers_assignment_id, agency_id=actor.agency_id)
                    .first()
                )
                if assignment is None:
                    raise ValidationFailed(
                        INVALID, fields={"answers": ["Không tìm thấy việc được giao."]}
                    )
                if not is_assignee(actor, assignment):
                    raise PermissionDenied("Việc này không được giao cho bạn.")
                if assignment.state != AssignmentState.IN_PROGRESS:
                    raise InvalidTransition(
                        "Chỉ soạn văn bản trả lời cho việc đã tiếp nhận và đang xử lý."
                    )
            document = outgoing_draft_create(
                actor=actor,
                data=data,
                recipients=recipients,
                files=files,
                attachments=attachments,
                saved=saved,
            )
            assert actor.person_id is not None  # outgoing_draft_create refused otherwise
            draft = DraftReview.objects.create(
                agency_id=document.agency_id,
                outgoing=document,
                drafter_id=actor.person_id,
                answers=assignment,
                state=DraftState.DRAFTING,
            )
            _journal(actor, "workflow.draft.create", draft, draft.agency_id, None)
            step_record(
                actor=actor,
                agency_id=draft.agency_id,
                action="draft_create",
                text=f"{actor.name} tạo dự thảo",
                outgoing=document,
                assignment=assignment,
            )
    except BaseException:
        stored_files_remove(saved)
        raise
    return draft


def draft_version_add(*, actor: Actor, draft_id: int, name: str, data: bytes) -> DocumentFile:
    """Add a new version of the draft's text (DOCX, ODT or PDF); the earlier ones stay."""
    check_text_name(name)
    upload = upload_inspect(name=name, data=data)
    saved: Saved = []
    try:
        with transaction.atomic():
            draft = _locked(actor, draft_id)
            _require_drafter(actor, draft)
            if draft.state != DraftState.DRAFTING:
                raise InvalidTransition(
                    "Chỉ thêm phiên bản mới khi dự thảo đang soạn thảo (hoặc đã bị trả lại)."
                )
            assert actor.person_id is not None
            previous = current_text(draft.outgoing_id)
            # A new version may change the format (DOCX, then PDF to sign), so it is stored
            # under its own name; `previous` chains it to the version it replaces.
            stored = document_file_store(
                document=draft.outgoing,
                role=FileRole.ORIGINAL,
                upload=upload,
                uploaded_by_id=actor.person_id,
                saved=saved,
                previous=previous,
            )
            if previous is not None:
                DocumentFile.objects.filter(pk=previous.pk).update(is_current=False)
            count = DocumentFile.objects.filter(
                outgoing_id=draft.outgoing_id, role=FileRole.ORIGINAL
            ).count()
            journal_record(
                actor=actor,
                action="workflow.draft.version_add",
                instance=draft,
                agency_id=draft.agency_id,
                after={"file": stored.pk, "sha256": stored.sha256, "previous": stored.previous_id},
            )
            step_record(
                actor=actor,
                agency_id=draft.agency_id,
                action="draft_version",
                text=f"{actor.name} tải lên phiên bản {count}: {upload.name}",
                outgoing=draft.outgoing,
            )
    except BaseException:
        stored_files_remove(saved)
        raise
    return stored


def _notify_reviewer(draft: DraftReview) -> None:
    if draft.reviewer_id is None:
        return
    notify(
        person_id=draft.reviewer_id,
        kind=NotificationKind.DRAFT_TO_REVIEW,
        title=_title(draft, "Dự thảo chờ duyệt"),
        link=draft_link(draft.pk),
        agency_id=draft.agency_id,
        urgent=draft.outgoing.urgency != "normal",
    )


def _approved(draft: DraftReview) -> None:
    """Tell the clerks and the drafter that the draft is approved and waits to be issued."""
    clerks = set(
        RoleGrant.objects.filter(
            agency_id=draft.agency_id, role=Role.CLERK, person__is_active=True
        ).values_list("person_id", flat=True)
    )
    for person_id in sorted(clerks | {draft.drafter_id}):
        notify(
            person_id=person_id,
            kind=NotificationKind.DRAFT_APPROVED,
            title=_title(draft, "Dự thảo đã được duyệt"),
            link=draft_link(draft.pk),
            agency_id=draft.agency_id,
        )


def _advance(draft: DraftReview, start: int) -> bool:
    """Put the draft at the first step from `start` that has a reviewer; False if none is left."""
    for index in range(start, len(draft.steps)):
        reviewer = _reviewer_for(draft, draft.steps[index])
        if reviewer is not None:
            draft.step_index = index
            draft.reviewer_id = reviewer
            return True
    draft.step_index = len(draft.steps)
    draft.reviewer_id = None
    return False


def draft_submit(*, actor: Actor, draft_id: int, note: str = "") -> DraftReview:
    """The drafter submits the draft for review along the agency's route for its type."""
    text = _note(note)
    with transaction.atomic():
        draft = _locked(actor, draft_id)
        _require_drafter(actor, draft)
        before = _move(draft, "submit")
        if draft.outgoing.status != OutgoingStatus.DRAFT:
            raise InvalidTransition("Văn bản đã phát hành.")
        if current_text(draft.outgoing_id) is None:
            raise ValidationFailed(
                INVALID, fields={"files": ["Hãy tải lên tệp dự thảo trước khi trình."]}
            )
        steps = route_steps(draft.agency_id, draft.outgoing.document_type_id)
        # Every step must find its reviewer now, so a missing one is told to the drafter.
        reviewers = [_reviewer_for(draft, role) for role in steps]
        draft.steps = [role for role, who in zip(steps, reviewers, strict=True) if who is not None]
        has_reviewer = _advance(draft, 0)
        if not has_reviewer:
            # Nobody left to review (a unit head drafting, with a unit-head-only route).
            draft.state = transition(DRAFT, draft.state, "approve", labels=DRAFT_LABELS)
        draft.save()
        _journal(actor, "workflow.draft.submit", draft, draft.agency_id, before)
        who = draft.reviewer.full_name if draft.reviewer else ""
        step_record(
            actor=actor,
            agency_id=draft.agency_id,
            action="draft_submit",
            text=f"{actor.name} trình duyệt dự thảo" + (f" đến {who}" if who else ""),
            note=text,
            outgoing=draft.outgoing,
        )
        if has_reviewer:
            _notify_reviewer(draft)
        else:
            _approved(draft)
    return draft


def draft_approve(*, actor: Actor, draft_id: int, note: str = "") -> DraftReview:
    """The current reviewer approves: on to the next step, or approved for the clerk to issue.

    At the leader's step of an agency that signs digitally, the current text must already carry
    the signer's valid signature (the signing panel is on the outgoing document's page).
    """
    text = _note(note)
    with transaction.atomic():
        draft = _locked(actor, draft_id)
        is_last = draft.step_index >= len(draft.steps) - 1
        before = _move(draft, "approve" if is_last else "approve_step")
        _require_reviewer(actor, draft)
        role = draft.steps[draft.step_index]
        if (
            role == "leader"
            and signing_required(draft.agency_id)
            and not _text_signed(draft.outgoing_id)
        ):
            raise InvalidTransition(SIGN_FIRST)
        if is_last or not _advance(draft, draft.step_index + 1):
            draft.state = transition(DRAFT, str(before["state"]), "approve", labels=DRAFT_LABELS)
            draft.step_index = len(draft.steps)
            draft.reviewer_id = None
        draft.save()
        _journal(actor, "workflow.draft.approve", draft, draft.agency_id, before)
        label = REVIEW_ROLE_LABELS.get(role, role)
        step_record(
            actor=actor,
            agency_id=draft.agency_id,
            action="draft_approve",
            text=f"{actor.name} ({label}) duyệt dự thảo",
            note=text,
            outgoing=draft.outgoing,
        )
        if draft.state == DraftState.APPROVED:
            _approved(draft)
        else:
            _notify_reviewer(draft)
    return draft


def draft_return(*, actor: Actor, draft_id: int, note: str) -> DraftReview:
    """Return the draft to the drafter for revision, with a note (a reviewer, or a clerk)."""
    text = _note(note, required=True)
    with transaction.atomic():
        draft = _locked(actor, draft_id)
        state = draft.state
        before = _move(draft, "return")
        if state == DraftState.APPROVED:
            if not can_register(actor, draft.agency_id):
                raise PermissionDenied("Chỉ văn thư được trả lại dự thảo đã duyệt.")
        else:
            _require_reviewer(actor, draft)
        draft.step_index = 0
        draft.reviewer_id = None
        draft.save()
        _journal(actor, "workflow.draft.return", draft, draft.agency_id, before)
        step_record(
            actor=actor,
            agency_id=draft.agency_id,
            action="draft_return",
            text=f"{actor.name} trả lại dự thảo để chỉnh sửa",
            note=text,
            outgoing=draft.outgoing,
        )
        notify(
            person_id=draft.drafter_id,
            kind=NotificationKind.DRAFT_RETURNED,
            title=_title(draft, "Dự thảo bị trả lại"),
            link=draft_link(draft.pk),
            agency_id=draft.agency_id,
        )
    return draft


def draft_comment(*, actor: Actor, draft_id: int, note: str) -> Step:
    """Add a comment to the draft's timeline (anyone of the agency who sees it)."""
    text = _note(note, required=True)
    with transaction.atomic():
        draft = _locked(actor, draft_id)
        if actor.person_id is None:
            raise PermissionDenied("Hãy đăng nhập để góp ý.")
        if draft.state == DraftState.ISSUED:
            raise InvalidTransition("Văn bản đã phát hành; không góp ý dự thảo được nữa.")
        step = step_record(
            actor=actor,
            agency_id=draft.agency_id,
            action="draft_comment",
            text=f"{actor.name} góp ý",
            note=text,
            outgoing=draft.outgoing,
        )
        journal_record(
            actor=actor,
            action="workflow.draft.comment",
            instance=draft,
            agency_id=draft.agency_id,
            after={"step": step.pk, "note": text},
        )
    return step


# --- Issue (receiver of registry.signals.outgoing_issuing) ---------------------------------


# The receivers' names, as apps.py connects them.
ISSUE_CHECK_DISPATCH_UID = "workflow.draft_issue_check"
ISSUE_DISPATCH_UID = "workflow.draft_issue"


def on_outgoing_issue_checking(
    sender: object, *, document: OutgoingDocument, actor: Actor, **kwargs: object
) -> None:
    """Refuse to issue a draft that has not been approved (before any number or signature)."""
    state = (
        DraftReview.objects.filter(outgoing_id=document.pk).values_list("state", flat=True).first()
    )
    if state is not None and state != DraftState.APPROVED:
        raise InvalidTransition(NOT_APPROVED)


def on_outgoing_issuing(
    sender: object, *, document: OutgoingDocument, actor: Actor, **kwargs: object
) -> None:
    """Mark an approved draft issued and complete the assignment it answers.

    Runs inside the issue's transaction (after the number is set, before the document is
    saved): raising here rolls the issue back and the number returns to the register.
    """
    from vanthu.workflow.handling import assignment_complete_with_reply

    draft = (
        DraftReview.objects.select_for_update(of=("self",))
        .select_related("answers")
        .filter(outgoing_id=document.pk)
        .first()
    )
    if draft is None:
        return  # entered by the clerk directly, not drafted here
    if draft.state != DraftState.APPROVED:
        raise InvalidTransition(NOT_APPROVED)
    before = _move(draft, "issue")
    draft.save(update_fields=["state", "updated_at"])
    _journal(actor, "workflow.draft.issue", draft, draft.agency_id, before)
    step_record(
        actor=actor,
        agency_id=draft.agency_id,
        action="draft_issue",
        text=f"{actor.name} phát hành văn bản số {document.number_notation}",
        outgoing=document,
    )
    if draft.answers is not None:
        assignment_complete_with_reply(actor=actor, assignment=draft.answers, reply=document)

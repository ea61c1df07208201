"""Drafting outgoing documents: versions, review route, approval with signature, issue."""

from __future__ import annotations

import io
from zipfile import ZipFile

import pytest
from django.utils import timezone

from vanthu.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from vanthu.core.models import JournalEntry
from vanthu.organizations.choices import Role
from vanthu.organizations.models import RoleGrant
from vanthu.registry.choices import FileRole, OutgoingStatus, SignatureStatus
from vanthu.registry.drafts import outgoing_draft_create
from vanthu.registry.models import DocumentFile, DocumentType, OutgoingDocument
from vanthu.registry.outgoing import OutgoingData, RecipientData, outgoing_document_issue
from vanthu.registry.signals import outgoing_issue_checking, outgoing_issuing
from vanthu.registry.tests.factories import IncomingDocumentFactory, pdf_bytes, png_bytes
from vanthu.workflow import drafting
from vanthu.workflow.choices import AssignmentRole, AssignmentState, DraftState
from vanthu.workflow.drafting import (
    ISSUE_CHECK_DISPATCH_UID,
    ISSUE_DISPATCH_UID,
    draft_approve,
    draft_comment,
    draft_create,
    draft_return,
    draft_submit,
    draft_version_add,
    review_route_set,
    route_steps,
)
from vanthu.workflow.models import Assignment, DraftReview, Notification, ReviewRoute, Step
from vanthu.workflow.states import DRAFT

pytestmark = pytest.mark.django_db


def docx_bytes(text: str = "Dự thảo") -> bytes:
    """Return a small Word (DOCX) file as `filetype` recognises it."""
    buffer = io.BytesIO()
    with ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", f"<w:document>{text}</w:document>")
    return buffer.getvalue()


def test_the_issue_receivers_are_connected_by_the_app():
    keys = [key[0] for key, *_ in outgoing_issuing.receivers]
    assert ISSUE_DISPATCH_UID in keys
    assert ISSUE_CHECK_DISPATCH_UID in [k[0] for k, *_ in outgoing_issue_checking.receivers]


def outgoing_data(**overrides) -> OutgoingData:
    values = {
        "document_type_id": DocumentType.objects.get(code="cong-van").pk,
        "summary": "V/v báo cáo tình hình chuyển đổi số quý IV",
    }
    values.update(overrides)
    return OutgoingData(**values)


def new_draft(cast, person=None, *, files=None, **kwargs):
    person = person or cast.specialist
    return draft_create(
        actor=cast.actor(person),
        data=outgoing_data(**kwargs.pop("data", {})),
        recipients=[RecipientData(place="Sở Tài chính")],
        files=[("du-thao.docx", docx_bytes())] if files is None else files,
        **kwargs,
    )


def state_of(draft: DraftReview) -> dict[str, object]:
    """Everything a refused action must leave unchanged."""
    row = DraftReview.objects.get(pk=draft.pk)
    return {
        "row": (row.state, row.step_index, row.reviewer_id, list(row.steps), row.updated_at),
        "steps": Step.objects.count(),
        "notices": Notification.objects.count(),
        "files": list(DocumentFile.objects.values_list("pk", "is_current").order_by("pk")),
        "journal": JournalEntry.objects.count(),
        "outgoing": OutgoingDocument.objects.filter(pk=draft.outgoing_id)
        .values_list("status", "number")
        .get(),
    }


def submitted(cast):
    draft = new_draft(cast)
    return draft_submit(actor=cast.actor(cast.specialist), draft_id=draft.pk)


def approved(cast):
    draft = submitted(cast)
    draft_approve(actor=cast.actor(cast.unit_head), draft_id=draft.pk)
    return draft_approve(actor=cast.actor(cast.leader), draft_id=draft.pk)


# --- Creating and versions -------------------------------------------------------------------


def test_a_specialist_creates_a_draft_with_a_docx_text(cast):
    draft = new_draft(cast)
    assert draft.state == DraftState.DRAFTING
    assert draft.drafter_id == cast.specialist.pk
    document = draft.outgoing
    assert document.status == OutgoingStatus.DRAFT
    assert document.created_by_id == cast.specialist.pk
    (text,) = DocumentFile.objects.filter(outgoing=document)
    assert text.role == FileRole.ORIGINAL
    assert text.content_type.endswith("wordprocessingml.document")
    assert Step.objects.filter(outgoing=document, action="draft_create").exists()
    assert JournalEntry.objects.filter(action="workflow.draft.create").exists()
    assert JournalEntry.objects.filter(action="registry.outgoing.draft_create").exists()


@pytest.mark.parametrize("persona", ["specialist", "unit_head", "leader", "clerk"])
def test_every_drafting_role_may_draft(cast, persona):
    draft = new_draft(cast, getattr(cast, persona))
    assert draft.drafter_id == getattr(cast, persona).pk


@pytest.mark.parametrize("persona", ["archivist", "agency_admin"])
def test_other_roles_may_not_draft(cast, persona):
    with pytest.raises(PermissionDenied):
        new_draft(cast, getattr(cast, persona))
    assert not OutgoingDocument.objects.exists()
    assert not DocumentFile.objects.exists()


def test_an_inactive_person_may_not_draft(cast):
    actor = cast.actor(cast.specialist)
    cast.specialist.is_active = False
    cast.specialist.save()
    with pytest.raises(PermissionDenied):
        outgoing_draft_create(
            actor=actor, data=outgoing_data(), recipients=[RecipientData(place="Sở Tài chính")]
        )


def test_a_draft_text_must_be_docx_odt_or_pdf_and_only_one(cast):
    with pytest.raises(ValidationFailed):
        new_draft(cast, files=[("anh.png", png_bytes())])
    with pytest.raises(ValidationFailed):
        new_draft(cast, files=[("a.pdf", pdf_bytes()), ("b.pdf", pdf_bytes())])
    assert not OutgoingDocument.objects.exists()


def test_versions_are_kept_and_chained(cast):
    draft = new_draft(cast)
    first = DocumentFile.objects.get(outgoing=draft.outgoing)
    second = draft_version_add(
        actor=cast.actor(cast.specialist), draft_id=draft.pk, name="du-thao-2.pdf", data=pdf_bytes()
    )
    third = draft_version_add(
        actor=cast.actor(cast.specialist),
        draft_id=draft.pk,
        name="du-thao-3.docx",
        data=docx_bytes(),
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert not first.is_current
    assert not second.is_current
    assert third.is_current
    assert third.previous_id == second.pk
    assert second.previous_id == first.pk
    assert second.original_name == "du-thao-2.pdf"
    assert [f.pk for f in drafting.draft_versions(draft)] == [third.pk, second.pk, first.pk]
    assert Step.objects.filter(outgoing=draft.outgoing, action="draft_version").count() == 2


def test_only_the_drafter_adds_versions_and_only_while_drafting(cast):
    draft = new_draft(cast)
    before = state_of(draft)
    with pytest.raises(PermissionDenied):
        draft_version_add(
            actor=cast.actor(cast.unit_head), draft_id=draft.pk, name="x.pdf", data=pdf_bytes()
        )
    with pytest.raises(ValidationFailed):
        draft_version_add(
            actor=cast.actor(cast.specialist), draft_id=draft.pk, name="x.png", data=png_bytes()
        )
    assert state_of(draft) == before
    draft_submit(actor=cast.actor(cast.specialist), draft_id=draft.pk)
    before = state_of(draft)
    with pytest.raises(InvalidTransition):
        draft_version_add(
            actor=cast.actor(cast.specialist), draft_id=draft.pk, name="x.pdf", data=pdf_bytes()
        )
    assert state_of(draft) == before


# --- Review route --------------------------------------------------------------------------


def test_submit_follows_the_default_route_unit_head_then_leader(cast):
    draft = submitted(cast)
    assert draft.state == DraftState.IN_REVIEW
    assert draft.steps == ["unit_head", "leader"]
    assert draft.reviewer_id == cast.unit_head.pk
    notice = Notification.objects.get(person=cast.unit_head)
    assert notice.kind == "draft_to_review"
    assert notice.link == f"/xu-ly/du-thao/{draft.pk}/"


def test_submit_without_a_text_is_refused(cast):
    draft = new_draft(cast, files=[])
    before = state_of(draft)
    with pytest.raises(ValidationFailed):
        draft_submit(actor=cast.actor(cast.specialist), draft_id=draft.pk)
    assert state_of(draft) == before


def test_a_unit_head_drafting_skips_their_own_step(cast):
    draft = new_draft(cast, cast.unit_head)
    draft = draft_submit(actor=cast.actor(cast.unit_head), draft_id=draft.pk)
    assert draft.steps == ["leader"]
    assert draft.reviewer_id == cast.leader.pk


def test_the_document_signer_reviews_the_leader_step(cast):
    from vanthu.organizations.tests.factories import PersonFactory

    deputy = PersonFactory(agency=cast.agency_a, roles=[Role.LEADER])
    draft = new_draft(cast, data={"signer_id": deputy.pk})
    draft_submit(actor=cast.actor(cast.specialist), draft_id=draft.pk)
    draft = draft_approve(actor=cast.actor(cast.unit_head), draft_id=draft.pk)
    assert draft.reviewer_id == deputy.pk


def test_the_route_of_the_type_wins_over_the_agency_default(cast):
    cong_van = DocumentType.objects.get(code="cong-van")
    admin = cast.actor(cast.agency_admin)
    review_route_set(actor=admin, document_type_id=None, steps=["leader"])
    assert route_steps(cast.agency_a.pk, cong_van.pk) == ["leader"]
    review_route_set(actor=admin, document_type_id=cong_van.pk, steps=["leader", "unit_head"])
    assert route_steps(cast.agency_a.pk, cong_van.pk) == ["leader", "unit_head"]
    draft = submitted(cast)
    assert draft.steps == ["leader", "unit_head"]
    assert draft.reviewer_id == cast.leader.pk


def test_no_leader_refuses_the_submission(cast):
    RoleGrant.objects.filter(role=Role.LEADER).delete()
    draft = new_draft(cast)
    before = state_of(draft)
    with pytest.raises(ValidationFailed):
        draft_submit(actor=cast.actor(cast.specialist), draft_id=draft.pk)
    assert state_of(draft) == before


def test_a_unit_without_a_head_refuses_the_submission(cast):
    RoleGrant.objects.filter(person=cast.unit_head).delete()
    draft = new_draft(cast)
    with pytest.raises(ValidationFailed):
        draft_submit(actor=cast.actor(cast.specialist), draft_id=draft.pk)


@pytest.mark.parametrize(
    "steps", [[], ["clerk"], ["leader"] * 6, ["unit_head", "boss"]], ids=["0", "bad", "6", "mix"]
)
def test_invalid_routes_are_refused(cast, steps):
    with pytest.raises(ValidationFailed):
        review_route_set(actor=cast.actor(cast.agency_admin), document_type_id=None, steps=steps)
    assert not ReviewRoute.objects.exists()


@pytest.mark.parametrize("persona", ["clerk", "leader", "specialist"])
def test_only_agency_admins_set_routes(cast, persona):
    with pytest.raises(PermissionDenied):
        review_route_set(
            actor=cast.actor(getattr(cast, persona)), document_type_id=None, steps=["leader"]
        )


def test_outsider_admin_cannot_touch_another_agencys_routes(cast):
    route = review_route_set(
        actor=cast.actor(cast.outsider_admin), document_type_id=None, steps=["leader"]
    )
    assert route.agency_id == cast.agency_b.pk
    assert route_steps(cast.agency_a.pk, None) == ["unit_head", "leader"]
    assert list(drafting.review_route_list(actor=cast.actor(cast.agency_admin))) == []


# --- Approving, returning --------------------------------------------------------------------


def test_the_full_review_reaches_approved_and_tells_the_clerk_and_drafter(cast):
    draft = submitted(cast)
    draft = draft_approve(actor=cast.actor(cast.unit_head), draft_id=draft.pk, note="Được")
    assert (draft.state, draft.step_index, draft.reviewer_id) == (
        DraftState.IN_REVIEW,
        1,
        cast.leader.pk,
    )
    draft = draft_approve(actor=cast.actor(cast.leader), draft_id=draft.pk)
    assert draft.state == DraftState.APPROVED
    assert draft.reviewer_id is None
    approved_to = set(
        Notification.objects.filter(kind="draft_approved").values_list("person_id", flat=True)
    )
    assert approved_to == {cast.clerk.pk, cast.specialist.pk}
    actions = list(
        Step.objects.filter(outgoing=draft.outgoing).order_by("id").values_list("action", flat=True)
    )
    assert actions == ["draft_create", "draft_submit", "draft_approve", "draft_approve"]


def test_a_reviewer_returns_with_a_required_note(cast):
    draft = submitted(cast)
    before = state_of(draft)
    with pytest.raises(ValidationFailed):
        draft_return(actor=cast.actor(cast.unit_head), draft_id=draft.pk, note="  ")
    assert state_of(draft) == before
    draft = draft_return(actor=cast.actor(cast.unit_head), draft_id=draft.pk, note="Sửa lại ý 2")
    assert (draft.state, draft.reviewer_id, draft.step_index) == (DraftState.DRAFTING, None, 0)
    assert Notification.objects.filter(person=cast.specialist, kind="draft_returned").exists()
    assert Step.objects.get(action="draft_return").note == "Sửa lại ý 2"
    # revised and submitted again: the review starts over
    draft_version_add(
        actor=cast.actor(cast.specialist), draft_id=draft.pk, name="v2.docx", data=docx_bytes()
    )
    draft = draft_submit(actor=cast.actor(cast.specialist), draft_id=draft.pk)
    assert (draft.state, draft.reviewer_id) == (DraftState.IN_REVIEW, cast.unit_head.pk)


def test_the_clerk_returns_an_approved_draft(cast):
    draft = approved(cast)
    before = state_of(draft)
    with pytest.raises(PermissionDenied):
        draft_return(actor=cast.actor(cast.leader), draft_id=draft.pk, note="Sai")
    assert state_of(draft) == before
    draft = draft_return(actor=cast.actor(cast.clerk), draft_id=draft.pk, note="Thiếu nơi nhận")
    assert draft.state == DraftState.DRAFTING


@pytest.mark.parametrize("persona", ["specialist", "leader", "clerk", "archivist"])
def test_only_the_current_reviewer_approves_or_returns(cast, persona):
    draft = submitted(cast)
    before = state_of(draft)
    actor = cast.actor(getattr(cast, persona))
    with pytest.raises(PermissionDenied):
        draft_approve(actor=actor, draft_id=draft.pk)
    with pytest.raises(PermissionDenied):
        draft_return(actor=actor, draft_id=draft.pk, note="Không")
    assert state_of(draft) == before


def test_only_the_drafter_submits(cast):
    draft = new_draft(cast)
    before = state_of(draft)
    with pytest.raises(PermissionDenied):
        draft_submit(actor=cast.actor(cast.unit_head), draft_id=draft.pk)
    assert state_of(draft) == before


def test_an_outsider_sees_nothing(cast):
    draft = submitted(cast)
    before = state_of(draft)
    outsider = cast.actor(cast.outsider)
    for call in (
        lambda: draft_submit(actor=outsider, draft_id=draft.pk),
        lambda: draft_approve(actor=outsider, draft_id=draft.pk),
        lambda: draft_return(actor=outsider, draft_id=draft.pk, note="x"),
        lambda: draft_comment(actor=outsider, draft_id=draft.pk, note="x"),
        lambda: draft_version_add(
            actor=outsider, draft_id=draft.pk, name="x.pdf", data=pdf_bytes()
        ),
        lambda: drafting.draft_get(actor=outsider, draft_id=draft.pk),
    ):
        with pytest.raises(NotFound):
            call()
    assert state_of(draft) == before
    assert list(drafting.draft_list_mine(actor=outsider)) == []


def test_comments_go_on_the_timeline(cast):
    draft = submitted(cast)
    step = draft_comment(actor=cast.actor(cast.leader), draft_id=draft.pk, note="Bổ sung số liệu")
    assert step.outgoing_id == draft.outgoing_id
    assert step.note == "Bổ sung số liệu"


# --- Every transition of the DRAFT table, allowed and forbidden -------------------------------


def _reach(cast, state):
    if state == DraftState.DRAFTING:
        return new_draft(cast)
    if state == DraftState.IN_REVIEW:
        return submitted(cast)
    if state == DraftState.APPROVED:
        return approved(cast)
    draft = approved(cast)
    outgoing_document_issue(actor=cast.actor(cast.clerk), document_id=draft.outgoing_id)
    return DraftReview.objects.get(pk=draft.pk)


def _do(cast, draft, action):
    """Perform `action` as the person allowed to, were the state right."""
    fresh = DraftReview.objects.get(pk=draft.pk)
    reviewer = fresh.reviewer or cast.unit_head
    if action == "submit":
        return draft_submit(actor=cast.actor(cast.specialist), draft_id=draft.pk)
    if action in ("approve", "approve_step"):
        return draft_approve(actor=cast.actor(reviewer), draft_id=draft.pk)
    if action == "return":
        person = cast.clerk if fresh.state == DraftState.APPROVED else reviewer
        return draft_return(actor=cast.actor(person), draft_id=draft.pk, note="Sửa lại")
    outgoing_document_issue(actor=cast.actor(cast.clerk), document_id=draft.outgoing_id)
    return DraftReview.objects.get(pk=draft.pk)


ACTIONS = ["submit", "approve_step", "approve", "return", "issue"]


@pytest.mark.parametrize("state", list(DraftState))
@pytest.mark.parametrize("action", ACTIONS)
def test_each_pair_of_the_draft_table(cast, state, action):
    draft = _reach(cast, state)
    if action == "approve" and state == DraftState.IN_REVIEW:
        # "approve_step" is the first of the two steps; "approve" is the last one's
        draft = draft_approve(actor=cast.actor(cast.unit_head), draft_id=draft.pk)
    target = DRAFT.get((state, action))
    if target is None:
        before = state_of(draft)
        with pytest.raises((InvalidTransition, PermissionDenied)):
            _do(cast, draft, action)
        assert state_of(draft) == before
    else:
        result = _do(cast, draft, action)
        assert result.state == target


# --- Signature at the leader's step ---------------------------------------------------------


def test_the_leader_must_sign_first_when_the_agency_signs(cast, settings):
    settings.SIGNATURES_REQUIRED = "always"
    draft = new_draft(cast, files=[("du-thao.pdf", pdf_bytes())])
    draft_submit(actor=cast.actor(cast.specialist), draft_id=draft.pk)
    draft_approve(actor=cast.actor(cast.unit_head), draft_id=draft.pk)
    before = state_of(draft)
    with pytest.raises(InvalidTransition, match="chữ ký số"):
        draft_approve(actor=cast.actor(cast.leader), draft_id=draft.pk)
    assert state_of(draft) == before
    # as the signatures app records once the leader's signature verified
    DocumentFile.objects.filter(outgoing_id=draft.outgoing_id, is_current=True).update(
        signature_status=SignatureStatus.VALID
    )
    draft = draft_approve(actor=cast.actor(cast.leader), draft_id=draft.pk)
    assert draft.state == DraftState.APPROVED


def test_no_signature_needed_when_the_agency_does_not_sign(cast, settings):
    settings.SIGNATURES_REQUIRED = "if_certified"
    draft = approved(cast)
    assert draft.state == DraftState.APPROVED


# --- Issue -------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", [DraftState.DRAFTING, DraftState.IN_REVIEW])
def test_issuing_an_unapproved_draft_is_refused(cast, state):
    draft = _reach(cast, state)
    before = state_of(draft)
    with pytest.raises(InvalidTransition, match="chưa được duyệt"):
        outgoing_document_issue(actor=cast.actor(cast.clerk), document_id=draft.outgoing_id)
    assert state_of(draft) == before


def test_issuing_an_approved_draft_marks_it_issued(cast):
    draft = approved(cast)
    document = outgoing_document_issue(actor=cast.actor(cast.clerk), document_id=draft.outgoing_id)
    draft.refresh_from_db()
    assert draft.state == DraftState.ISSUED
    assert document.status == OutgoingStatus.ISSUED
    assert Step.objects.filter(outgoing=document, action="draft_issue").exists()


def test_a_document_the_clerk_entered_directly_is_not_affected(cast):
    from vanthu.registry.outgoing import outgoing_document_create

    document = outgoing_document_create(
        actor=cast.actor(cast.clerk),
        data=outgoing_data(),
        recipients=[RecipientData(place="Sở Tài chính")],
    )
    document = outgoing_document_issue(actor=cast.actor(cast.clerk), document_id=document.pk)
    assert document.status == OutgoingStatus.ISSUED


def _assignment(cast, state=AssignmentState.IN_PROGRESS, assignee=None):
    incoming = IncomingDocumentFactory(agency=cast.agency_a, registered_by=cast.clerk)
    return Assignment.objects.create(
        agency=cast.agency_a,
        incoming=incoming,
        role=AssignmentRole.LEAD,
        assignee=assignee or cast.specialist,
        assigned_by=cast.leader,
        assigned_at=timezone.now(),
        state=state,
    )


def test_issuing_a_reply_completes_the_assignment_it_answers(cast):
    assignment = _assignment(cast)
    draft = new_draft(cast, answers_assignment_id=assignment.pk)
    assert draft.answers_id == assignment.pk
    draft_submit(actor=cast.actor(cast.specialist), draft_id=draft.pk)
    draft_approve(actor=cast.actor(cast.unit_head), draft_id=draft.pk)
    draft_approve(actor=cast.actor(cast.leader), draft_id=draft.pk)
    document = outgoing_document_issue(actor=cast.actor(cast.clerk), document_id=draft.outgoing_id)
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.DONE
    assert assignment.reply_id == document.pk
    assert assignment.completed_at is not None
    assert assignment.result_note == f"Đã trả lời bằng văn bản số {document.number_notation}."
    assert Notification.objects.filter(person=cast.leader, kind="completed").exists()
    assert Step.objects.filter(assignment=assignment, action="complete").exists()


def test_answering_needs_the_assignee_and_an_accepted_assignment(cast):
    others = _assignment(cast, assignee=cast.unit_head)
    with pytest.raises(PermissionDenied):
        new_draft(cast, answers_assignment_id=others.pk)
    fresh = _assignment(cast, state=AssignmentState.NEW)
    with pytest.raises(InvalidTransition):
        new_draft(cast, answers_assignment_id=fresh.pk)
    with pytest.raises(ValidationFailed):
        new_draft(cast, answers_assignment_id=999999)
    assert not DraftReview.objects.exists()
    assert not OutgoingDocument.objects.exists()
    assert not DocumentFile.objects.exists()


def test_refused_issue_leaves_the_answered_assignment_open(cast):
    assignment = _assignment(cast)
    draft = new_draft(cast, answers_assignment_id=assignment.pk)
    draft_submit(actor=cast.actor(cast.specialist), draft_id=draft.pk)
    with pytest.raises(InvalidTransition):
        outgoing_document_issue(actor=cast.actor(cast.clerk), document_id=draft.outgoing_id)
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.IN_PROGRESS
    assert assignment.reply_id is None

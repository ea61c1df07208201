"""Permission matrix of handling and drafting: each persona against each step.

One row per (step, persona): the persona who owns the step succeeds; everyone else of the
agency is refused (PermissionDenied), the clerk of another agency finds nothing (NotFound), and
a refusal changes nothing: no state, no step, no notice, no journal row.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from vanthu.core.errors import NotFound, PermissionDenied
from vanthu.core.models import JournalEntry
from vanthu.registry.models import OutgoingDocument
from vanthu.workflow import handling as h
from vanthu.workflow.choices import AssignmentRole
from vanthu.workflow.drafting import draft_approve, draft_return, draft_submit
from vanthu.workflow.models import (
    Assignment,
    DraftReview,
    ExtensionRequest,
    Notification,
    Step,
    Submission,
)
from vanthu.workflow.tests.test_drafting import new_draft, submitted
from vanthu.workflow.tests.test_handling import _directed, _incoming, _submitted

pytestmark = pytest.mark.django_db

PERSONAS = [
    "clerk",
    "unit_head",
    "leader",
    "specialist",
    "archivist",
    "agency_admin",
    "system_admin",
    "outsider",
]


def _everything() -> tuple[object, ...]:
    return (
        list(Assignment.objects.order_by("id").values()),
        list(Submission.objects.order_by("id").values()),
        list(ExtensionRequest.objects.order_by("id").values()),
        list(DraftReview.objects.order_by("id").values()),
        list(OutgoingDocument.objects.order_by("id").values("status", "number")),
        Step.objects.count(),
        Notification.objects.count(),
        JournalEntry.objects.count(),
    )


def _accepted(cast) -> Assignment:
    (assignment,) = _directed(cast)
    return h.assignment_accept(actor=cast.actor(cast.unit_head), assignment_id=assignment.pk)


def _extension(cast) -> ExtensionRequest:
    assignment = _accepted(cast)
    return h.extension_request(
        actor=cast.actor(cast.unit_head),
        assignment_id=assignment.pk,
        requested_due=date(2099, 12, 31),
        reason="Chờ số liệu của các huyện.",
    )


# step -> (who may take it, set-up returning the object, the call with (cast, actor, object))
Step_ = tuple[str, Callable[[object], object], Callable[[object, object, object], object]]
STEPS: dict[str, Step_] = {
    "present to a leader": (
        "clerk",
        lambda cast: _incoming(cast),
        lambda cast, actor, doc: h.submission_create(
            actor=actor, incoming_id=doc.pk, leader_id=cast.leader.pk
        ),
    ),
    "direct": (
        "leader",
        lambda cast: _submitted(cast),
        lambda cast, actor, sub: h.direction_give(
            actor=actor,
            submission_id=sub.pk,
            note="Giao Phòng BCVT chủ trì.",
            assignees=[h.AssigneeData(AssignmentRole.LEAD, unit_id=cast.unit_a.pk)],
            due_working_days=5,
        ),
    ),
    "accept a unit's assignment": (
        "unit_head",
        lambda cast: _directed(cast)[0],
        lambda _cast, actor, a: h.assignment_accept(actor=actor, assignment_id=a.pk),
    ),
    "pass it down": (
        "unit_head",
        lambda cast: _accepted(cast),
        lambda cast, actor, a: h.assignment_delegate(
            actor=actor,
            assignment_id=a.pk,
            assignees=[h.AssigneeData(AssignmentRole.LEAD, person_id=cast.specialist.pk)],
            note="Em dự thảo văn bản trả lời.",
        ),
    ),
    "complete": (
        "unit_head",
        lambda cast: _accepted(cast),
        lambda _cast, actor, a: h.assignment_complete(
            actor=actor, assignment_id=a.pk, result="Xong."
        ),
    ),
    "decide an extension": (
        "leader",
        lambda cast: _extension(cast),
        lambda _cast, actor, r: h.extension_decide(actor=actor, request_id=r.pk, approve=True),
    ),
    "submit a draft": (
        "specialist",
        lambda cast: new_draft(cast),
        lambda _cast, actor, d: draft_submit(actor=actor, draft_id=d.pk),
    ),
    "approve a draft at the unit head's step": (
        "unit_head",
        lambda cast: submitted(cast),
        lambda _cast, actor, d: draft_approve(actor=actor, draft_id=d.pk),
    ),
    "return a draft at the unit head's step": (
        "unit_head",
        lambda cast: submitted(cast),
        lambda _cast, actor, d: draft_return(actor=actor, draft_id=d.pk, note="Sửa lại trích yếu."),
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("step", list(STEPS))
def test_only_the_owner_of_a_step_may_take_it(cast, step, persona):
    owner, make, call = STEPS[step]
    target = make(cast)
    actor = cast.actor(getattr(cast, persona))
    if persona == owner:
        call(cast, actor, target)
        return
    before = _everything()
    expected = NotFound if persona == "outsider" else (PermissionDenied, NotFound)
    with pytest.raises(expected):
        call(cast, actor, target)
    assert _everything() == before

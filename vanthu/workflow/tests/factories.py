"""factory_boy factories of handling records, with lifecycle traits.

`AssignmentFactory(agency=..., assignee_unit=unit)` is a new lead (chủ trì) assignment of a
registered incoming document of that agency; traits: `co=True`, `info=True` (roles),
`in_progress=True`, `delegated=True`, `done=True` (completed now unless `completed_at` is
given; lateness and handling time are recorded as `handling._complete` records them),
`returned=True`, `closed=True`, `cancelled=True`. Rows are written directly, not through the
services: for figures and lists, not for the handling rules.
"""

from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone

from vanthu.core.calendar import working_calendar
from vanthu.organizations.tests.factories import AgencyFactory, PersonFactory
from vanthu.registry.choices import IncomingStatus
from vanthu.registry.tests.factories import IncomingDocumentFactory
from vanthu.workflow.choices import AssignmentRole, AssignmentState
from vanthu.workflow.models import Assignment
from vanthu.workflow.timing import completion_facts


class AssignmentFactory(factory.django.DjangoModelFactory):
    """A lead assignment of an incoming document in progress; pass the assignee."""

    class Meta:
        model = Assignment

    class Params:
        co = factory.Trait(role=AssignmentRole.CO)
        info = factory.Trait(role=AssignmentRole.INFO, due_date=None)
        in_progress = factory.Trait(
            state=AssignmentState.IN_PROGRESS,
            accepted_at=factory.SelfAttribute("assigned_at"),
        )
        delegated = factory.Trait(
            state=AssignmentState.DELEGATED,
            accepted_at=factory.SelfAttribute("assigned_at"),
        )
        done = factory.Trait(
            state=AssignmentState.DONE,
            accepted_at=factory.SelfAttribute("assigned_at"),
            completed_at=factory.LazyFunction(timezone.now),
            result_note="Đã tham mưu văn bản trả lời.",
        )
        returned = factory.Trait(state=AssignmentState.RETURNED)
        closed = factory.Trait(
            state=AssignmentState.CLOSED, completed_at=factory.LazyFunction(timezone.now)
        )
        cancelled = factory.Trait(state=AssignmentState.CANCELLED)

    agency = factory.SubFactory(AgencyFactory)
    incoming = factory.SubFactory(
        IncomingDocumentFactory,
        agency=factory.SelfAttribute("..agency"),
        status=IncomingStatus.IN_PROGRESS,
    )
    role = AssignmentRole.LEAD
    assignee_unit = None
    assignee = None
    assigned_by = factory.SubFactory(PersonFactory, agency=factory.SelfAttribute("..agency"))
    assigned_at = factory.LazyFunction(timezone.now)
    note = "Giao chủ trì, tham mưu văn bản trả lời."
    due_date = None
    state = AssignmentState.NEW

    @classmethod
    def _create(cls, model_class: type[Assignment], *args: Any, **kwargs: Any) -> Assignment:
        if kwargs.get("state") == AssignmentState.DONE and kwargs.get("completed_at"):
            facts = completion_facts(
                working_calendar(),
                assigned_at=kwargs["assigned_at"],
                due_date=kwargs.get("due_date"),
                completed_at=kwargs["completed_at"],
            )
            kwargs.setdefault("completed_late", facts.late)
            kwargs.setdefault("handling_days", facts.handling_days)
        return super()._create(model_class, *args, **kwargs)

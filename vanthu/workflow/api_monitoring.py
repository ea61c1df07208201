"""API of monitoring (QĐ 22/2017 Điều 12.4): the figures of a scope and the assignments behind
each figure, with the same rules and visibility as the pages (see `monitoring`).

Thin (ADR 0009): a serializer parses the query, `monitoring` decides and counts.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_serializer, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from vanthu.core.api import error_responses
from vanthu.core.calendar import working_calendar
from vanthu.core.pagination import keyset_page
from vanthu.registry.api.views import RegistryViewSet, parse_query
from vanthu.workflow import monitoring as m
from vanthu.workflow.choices import AssignmentRole, AssignmentState
from vanthu.workflow.models import Assignment

# Ids are 64-bit: a larger number is refused as invalid rather than by the database.
MAX_ID = 2**63 - 1
READ_ERRORS = error_responses(
    400,
    401,
    403,
    404,
    s404="The scope, unit or person is not visible to the caller (`not_found`).",
)


class MonitoringQuerySerializer(serializers.Serializer[Any]):
    """Whose handling, for which period (default: this month)."""

    scope = serializers.ChoiceField(
        choices=[s.value for s in m.Scope],
        required=False,
        help_text="Default: `person` if `person` is given, `unit` if `unit` is, else the widest "
        "scope the caller may see (agency: leaders, clerks, administrators; unit: its heads, "
        "leaders, administrators; person: oneself, one's unit head, leaders).",
    )
    unit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="Unit id (unit scope; default: the unit one heads).",
    )
    person = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="Person id (person scope; default: oneself).",
    )
    date_from = serializers.DateField(required=False, help_text="First day of the period.")
    date_to = serializers.DateField(
        required=False, help_text=f"Last day of the period (at most {m.MAX_PERIOD_DAYS} days)."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end:
            error = m.period_error(start, end)
            if error:
                raise serializers.ValidationError({"date_to": [error]})
        return attrs


class MonitoringDocumentsQuerySerializer(MonitoringQuerySerializer):
    """The figure whose assignments to list, and the page."""

    group = serializers.ChoiceField(choices=[g.value for g in m.Group])
    after = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="`next_cursor` of the last page."
    )
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=200, default=50)


class FiguresSerializer(serializers.Serializer[Any]):
    """The figures of a scope or of one line of its breakdown."""

    assigned = serializers.IntegerField(help_text="Lead and co-handling assigned in the period.")
    in_progress = serializers.IntegerField(help_text="Lead and co-handling open today.")
    due_soon = serializers.IntegerField(help_text="Open lead work due soon today.")
    overdue = serializers.IntegerField(help_text="Open lead work past its due date today.")
    done_on_time = serializers.IntegerField(help_text="Lead work completed on time in the period.")
    done_late = serializers.IntegerField(help_text="Lead work completed late in the period.")
    average_handling_days = serializers.FloatField(
        allow_null=True,
        help_text="Working days from assignment to completion, averaged over the lead work "
        "completed in the period; null when none was.",
    )


class RefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class BreakdownRowSerializer(serializers.Serializer[Any]):
    """One unit (agency scope) or one person of the unit (unit scope)."""

    kind = serializers.ChoiceField(choices=["unit", "person"])
    id = serializers.IntegerField()
    name = serializers.CharField()
    figures = FiguresSerializer()


# One object, though it is the `list` route of the viewset (GET /monitoring/).
@extend_schema_serializer(many=False)
class MonitoringSummarySerializer(serializers.Serializer[Any]):
    """The figures of one scope and period, with the breakdown."""

    scope = serializers.ChoiceField(choices=[s.value for s in m.Scope])
    agency = RefSerializer()
    unit = RefSerializer(allow_null=True)
    person = RefSerializer(allow_null=True)
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    today = serializers.DateField(help_text="The day of the open figures.")
    due_soon_working_days = serializers.IntegerField()
    figures = FiguresSerializer()
    breakdown = BreakdownRowSerializer(many=True)


class IncomingRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    arrival_number = serializers.IntegerField()
    number_notation = serializers.CharField()
    sender_name = serializers.CharField()
    summary = serializers.CharField()
    received_at = serializers.DateTimeField()


class MonitoredAssignmentSerializer(serializers.Serializer[Any]):
    """One assignment behind a figure, with its incoming document."""

    id = serializers.IntegerField()
    incoming = IncomingRefSerializer()
    role = serializers.ChoiceField(choices=AssignmentRole.choices)
    state = serializers.ChoiceField(choices=AssignmentState.choices)
    assignee_unit = serializers.IntegerField(allow_null=True)
    assignee = serializers.IntegerField(allow_null=True)
    assignee_name = serializers.CharField()
    assigned_at = serializers.DateTimeField()
    due_date = serializers.DateField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    handling_days = serializers.IntegerField(
        allow_null=True, help_text="Working days from assignment to completion."
    )
    days_late = serializers.IntegerField(
        allow_null=True, help_text="Working days past the due date (lead work only)."
    )


class MonitoredAssignmentPageSerializer(serializers.Serializer[Any]):
    next_cursor = serializers.CharField(
        allow_null=True, help_text="Pass as `after` for the next page; null on the last page."
    )
    results = MonitoredAssignmentSerializer(many=True)


def _figures(figures: m.Figures) -> dict[str, Any]:
    return {
        "assigned": figures.assigned,
        "in_progress": figures.in_progress,
        "due_soon": figures.due_soon,
        "overdue": figures.overdue,
        "done_on_time": figures.done_on_time,
        "done_late": figures.done_late,
        "average_handling_days": figures.average_handling_days,
    }


def _summary(summary: m.MonitoringSummary) -> dict[str, Any]:
    target = summary.target
    return {
        "scope": target.scope.value,
        "agency": {"id": target.agency.pk, "name": target.agency.name},
        "unit": {"id": target.unit.pk, "name": target.unit.name} if target.unit else None,
        "person": {"id": target.person.pk, "name": target.person.full_name}
        if target.person
        else None,
        "date_from": summary.period.start,
        "date_to": summary.period.end,
        "today": summary.deadlines.today,
        "due_soon_working_days": summary.deadlines.working_days,
        "figures": _figures(summary.figures),
        "breakdown": [
            {"kind": row.kind, "id": row.id, "name": row.name, "figures": _figures(row.figures)}
            for row in summary.breakdown
        ],
    }


def _row(assignment: Assignment, timing: m.RowTiming) -> dict[str, Any]:
    incoming = assignment.incoming
    if assignment.assignee is not None:
        name = assignment.assignee.full_name
    else:
        name = assignment.assignee_unit.name if assignment.assignee_unit else ""
    return {
        "id": assignment.pk,
        "incoming": {
            "id": incoming.pk,
            "year": incoming.year,
            "arrival_number": incoming.arrival_number,
            "number_notation": incoming.number_notation,
            "sender_name": incoming.sender_name,
            "summary": incoming.summary,
            "received_at": incoming.received_at,
        },
        "role": assignment.role,
        "state": assignment.state,
        "assignee_unit": assignment.assignee_unit_id,
        "assignee": assignment.assignee_id,
        "assignee_name": name,
        "assigned_at": assignment.assigned_at,
        "due_date": assignment.due_date,
        "completed_at": assignment.completed_at,
        "handling_days": timing.handling_days,
        "days_late": timing.days_late,
    }


@extend_schema_view(
    list=extend_schema(
        summary="Monitoring figures of the agency, a unit or a person, with the breakdown",
        parameters=[MonitoringQuerySerializer],
        responses={200: MonitoringSummarySerializer, **READ_ERRORS},
    ),
    documents=extend_schema(
        summary="The assignments behind one monitoring figure (keyset pages)",
        parameters=[MonitoringDocumentsQuerySerializer],
        responses={200: MonitoredAssignmentPageSerializer, **READ_ERRORS},
    ),
)
@extend_schema(tags=["Monitoring"])
class MonitoringViewSet(RegistryViewSet):
    """Monitoring of handling (QĐ 22/2017 Điều 12.4; NĐ 30/2020 Điều 24)."""

    # The figures are one object and the documents page with their own keyset cursor.
    pagination_class = None  # type: ignore[assignment]

    def _resolve(
        self, request: Request, serializer: type[MonitoringQuerySerializer]
    ) -> tuple[dict[str, Any], m.MonitoringTarget, m.Period]:
        query = parse_query(serializer, request)
        period = m.period_make(
            start=query.get("date_from"), end=query.get("date_to"), today=timezone.localdate()
        )
        target = m.monitoring_target_get(
            actor=self.actor,
            scope=query.get("scope"),
            unit_id=query.get("unit"),
            person_id=query.get("person"),
        )
        return query, target, period

    def list(self, request: Request) -> Response:
        _query, target, period = self._resolve(request, MonitoringQuerySerializer)
        summary = m.monitoring_summary(actor=self.actor, target=target, period=period)
        return Response(MonitoringSummarySerializer(_summary(summary)).data)

    @action(detail=False, methods=["get"])
    def documents(self, request: Request) -> Response:
        query, target, period = self._resolve(request, MonitoringDocumentsQuerySerializer)
        today = timezone.localdate()
        assignments = m.monitoring_documents(
            actor=self.actor, target=target, period=period, group=m.Group(query["group"])
        )
        page = keyset_page(assignments, after=query["after"] or None, size=query["page_size"])
        calendar = working_calendar()
        results = [_row(a, m.row_timing(calendar, a, today)) for a in page.items]
        return Response(
            MonitoredAssignmentPageSerializer(
                {"next_cursor": page.next_cursor, "results": results}
            ).data
        )


router = SimpleRouter(use_regex_path=False)
router.register("monitoring", MonitoringViewSet, basename="monitoring")

"""API of presenting, directing and handling incoming documents (issue 5 items 1, 2).

Thin (ADR 0009): a serializer parses, one service works with the request's actor."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from vanthu.registry import selectors as registry_selectors
from vanthu.registry.api.views import (
    DETAIL_ERRORS,
    LIST_ERRORS,
    TRANSITION_ERRORS,
    WRITE_ERRORS,
    RegistryViewSet,
    parse_body,
)
from vanthu.workflow import handling as h
from vanthu.workflow.choices import AssignmentRole
from vanthu.workflow.models import Assignment, ExtensionRequest, Step, Submission
from vanthu.workflow.views_handling import my_work


class SubmissionSerializer(serializers.ModelSerializer[Submission]):
    class Meta:
        model = Submission
        fields = [
            "id",
            "agency",
            "incoming",
            "leader",
            "submitted_by",
            "submitted_at",
            "is_urgent",
            "state",
            "direction_note",
            "directed_at",
            "due_date",
        ]
        read_only_fields = fields


class AssignmentSerializer(serializers.ModelSerializer[Assignment]):
    class Meta:
        model = Assignment
        fields = [
            "id",
            "agency",
            "incoming",
            "submission",
            "parent",
            "role",
            "assignee_unit",
            "assignee",
            "assigned_by",
            "assigned_at",
            "note",
            "due_date",
            "state",
            "accepted_at",
            "completed_at",
            "result_note",
            "reply",
        ]
        read_only_fields = fields


class StepSerializer(serializers.ModelSerializer[Step]):
    class Meta:
        model = Step
        fields = ["id", "at", "actor", "action", "text", "note", "assignment"]
        read_only_fields = fields


class ExtensionSerializer(serializers.ModelSerializer[ExtensionRequest]):
    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "assignment",
            "requested_by",
            "requested_at",
            "requested_due",
            "reason",
            "state",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class HandlingSerializer(serializers.Serializer[Any]):
    submissions = SubmissionSerializer(many=True)
    assignments = AssignmentSerializer(many=True)
    steps = StepSerializer(many=True)


class MyWorkSerializer(serializers.Serializer[Any]):
    submissions = SubmissionSerializer(many=True)
    assignments = AssignmentSerializer(many=True)


class SubmissionInputSerializer(serializers.Serializer[Any]):
    incoming = serializers.IntegerField(min_value=1)
    leader = serializers.IntegerField(min_value=1)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class AssigneeSerializer(serializers.Serializer[Any]):
    role = serializers.ChoiceField(choices=AssignmentRole.choices)
    unit = serializers.IntegerField(required=False, allow_null=True, default=None)
    person = serializers.IntegerField(required=False, allow_null=True, default=None)


class DirectionSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    assignees = AssigneeSerializer(many=True)
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    due_working_days = serializers.IntegerField(required=False, allow_null=True, default=None)


class DelegateSerializer(serializers.Serializer[Any]):
    assignees = AssigneeSerializer(many=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    due_date = serializers.DateField(required=False, allow_null=True, default=None)


class ReassignSerializer(serializers.Serializer[Any]):
    unit = serializers.IntegerField(required=False, allow_null=True, default=None)
    person = serializers.IntegerField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class NoteSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=4000, trim_whitespace=False)


class CompleteSerializer(NoteSerializer):
    reply = serializers.IntegerField(required=False, allow_null=True, default=None)


class NotifiedSerializer(serializers.Serializer[Any]):
    notified = serializers.IntegerField(help_text="How many co-handlers were asked.")


class ExtensionInputSerializer(serializers.Serializer[Any]):
    requested_due = serializers.DateField()
    reason = serializers.CharField(max_length=4000)


class DecisionSerializer(serializers.Serializer[Any]):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


def _lines(items: list[dict[str, Any]]) -> list[h.AssigneeData]:
    return [h.AssigneeData(i["role"], unit_id=i["unit"], person_id=i["person"]) for i in items]


@extend_schema_view(
    create=extend_schema(
        summary="Present a registered incoming document to a leader (clerks)",
        request=SubmissionInputSerializer,
        responses={201: SubmissionSerializer, **WRITE_ERRORS},
    ),
    direct=extend_schema(
        summary="Direct: a note, one lead, co-handlers, people to inform, a due date (the leader)",
        request=DirectionSerializer,
        responses={200: AssignmentSerializer(many=True), **TRANSITION_ERRORS},
    ),
    withdraw=extend_schema(
        summary="Take back a presentation not directed yet (clerks)",
        request=None,
        responses={200: SubmissionSerializer, **TRANSITION_ERRORS},
    ),
)
@extend_schema(tags=["Handling"])
class SubmissionViewSet(RegistryViewSet):
    """Documents presented to leaders (NĐ 30/2020 Điều 23)."""

    def create(self, request: Request) -> Response:
        body = parse_body(SubmissionInputSerializer, request)
        submission = h.submission_create(
            actor=self.actor,
            incoming_id=body["incoming"],
            leader_id=body["leader"],
            note=body["note"],
        )
        return Response(SubmissionSerializer(submission).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def direct(self, request: Request, pk: int) -> Response:
        body = parse_body(DirectionSerializer, request)
        created = h.direction_give(
            actor=self.actor,
            submission_id=pk,
            note=body["note"],
            assignees=_lines(body["assignees"]),
            due_date=body["due_date"],
            due_working_days=body["due_working_days"],
        )
        return Response(AssignmentSerializer(created, many=True).data)

    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: int) -> Response:
        return Response(
            SubmissionSerializer(h.submission_withdraw(actor=self.actor, submission_id=pk)).data
        )


def _simple(summary: str) -> Any:
    return extend_schema(
        summary=summary,
        request=None,
        responses={200: AssignmentSerializer, **TRANSITION_ERRORS},
    )


def _with(summary: str, body: type[serializers.Serializer[Any]], response: Any) -> Any:
    return extend_schema(
        summary=summary, request=body, responses={200: response, **TRANSITION_ERRORS}
    )


@extend_schema_view(
    mine=extend_schema(
        summary="What awaits me: presentations to direct and assignments to handle",
        responses={200: MyWorkSerializer, **LIST_ERRORS},
    ),
    accept=_simple("Accept an assignment (its assignee)"),
    close=_simple("Close a for-information item (its assignee)"),
    return_=_with("Return an assignment with a reason", NoteSerializer, AssignmentSerializer),
    delegate=_with("Pass an assignment down", DelegateSerializer, AssignmentSerializer(many=True)),
    reassign=_with(
        "Give the work to someone else (the assigner)", ReassignSerializer, AssignmentSerializer
    ),
    progress=_with("Record progress", NoteSerializer, AssignmentSerializer),
    complete=_with(
        "Complete with a result and the linked reply", CompleteSerializer, AssignmentSerializer
    ),
    input_request=_with(
        "Ask the co-handlers for input (the lead)", NoteSerializer, NotifiedSerializer
    ),
    extension=_with("Ask for a later due date", ExtensionInputSerializer, ExtensionSerializer),
)
@extend_schema(tags=["Handling"])
class AssignmentViewSet(RegistryViewSet):
    """Assignments of incoming documents (NĐ 30/2020 Điều 24)."""

    @action(detail=False, methods=["get"])
    def mine(self, request: Request) -> Response:
        work = my_work(self.actor)
        return Response(MyWorkSerializer(work).data)

    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: int) -> Response:
        return Response(
            AssignmentSerializer(h.assignment_accept(actor=self.actor, assignment_id=pk)).data
        )

    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: int) -> Response:
        return Response(
            AssignmentSerializer(h.assignment_close(actor=self.actor, assignment_id=pk)).data
        )

    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: int) -> Response:
        body = parse_body(NoteSerializer, request)
        result = h.assignment_return(actor=self.actor, assignment_id=pk, reason=body["note"])
        return Response(AssignmentSerializer(result).data)

    @action(detail=True, methods=["post"])
    def delegate(self, request: Request, pk: int) -> Response:
        body = parse_body(DelegateSerializer, request)
        created = h.assignment_delegate(
            actor=self.actor,
            assignment_id=pk,
            assignees=_lines(body["assignees"]),
            note=body["note"],
            due_date=body["due_date"],
        )
        return Response(AssignmentSerializer(created, many=True).data)

    @action(detail=True, methods=["post"])
    def reassign(self, request: Request, pk: int) -> Response:
        body = parse_body(ReassignSerializer, request)
        assignment = Assignment.objects.filter(pk=pk).first()
        role = assignment.role if assignment else AssignmentRole.LEAD
        new = h.assignment_reassign(
            actor=self.actor,
            assignment_id=pk,
            assignee=h.AssigneeData(role, unit_id=body["unit"], person_id=body["person"]),
            note=body["note"],
        )
        return Response(AssignmentSerializer(new).data)

    @action(detail=True, methods=["post"])
    def progress(self, request: Request, pk: int) -> Response:
        body = parse_body(NoteSerializer, request)
        result = h.assignment_progress(actor=self.actor, assignment_id=pk, note=body["note"])
        return Response(AssignmentSerializer(result).data)

    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: int) -> Response:
        body = parse_body(CompleteSerializer, request)
        result = h.assignment_complete(
            actor=self.actor, assignment_id=pk, result=body["note"], reply_id=body["reply"]
        )
        return Response(AssignmentSerializer(result).data)

    @action(detail=True, methods=["post"], url_path="input-request")
    def input_request(self, request: Request, pk: int) -> Response:
        body = parse_body(NoteSerializer, request)
        count = h.assignment_input_request(
            actor=self.actor, assignment_id=pk, question=body["note"]
        )
        return Response({"notified": count})

    @action(detail=True, methods=["post"])
    def extension(self, request: Request, pk: int) -> Response:
        body = parse_body(ExtensionInputSerializer, request)
        result = h.extension_request(
            actor=self.actor,
            assignment_id=pk,
            requested_due=body["requested_due"],
            reason=body["reason"],
        )
        return Response(ExtensionSerializer(result).data)


@extend_schema_view(
    decide=_with(
        "Grant or refuse an extension (the assigner)", DecisionSerializer, ExtensionSerializer
    ),
)
@extend_schema(tags=["Handling"])
class ExtensionViewSet(RegistryViewSet):
    """Requests for more time."""

    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: int) -> Response:
        body = parse_body(DecisionSerializer, request)
        result = h.extension_decide(
            actor=self.actor, request_id=pk, approve=body["approve"], note=body["note"]
        )
        return Response(ExtensionSerializer(result).data)


@extend_schema_view(
    retrieve=extend_schema(
        summary="The handling of an incoming document: presentations, assignments, timeline",
        responses={200: HandlingSerializer, **DETAIL_ERRORS},
    ),
)
@extend_schema(tags=["Handling"])
class HandlingViewSet(RegistryViewSet):
    """The handling record of one incoming document (by the document's id)."""

    def retrieve(self, request: Request, pk: int) -> Response:
        incoming = registry_selectors.incoming_get(actor=self.actor, document_id=pk)
        data = {
            "submissions": incoming.submissions.order_by("id"),
            "assignments": incoming.assignments.order_by("id"),
            "steps": incoming.steps.order_by("at", "id"),
        }
        return Response(HandlingSerializer(data).data)


router = SimpleRouter(use_regex_path=False)
router.register("submissions", SubmissionViewSet, basename="submission")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("extension-requests", ExtensionViewSet, basename="extension-request")
router.register("handling", HandlingViewSet, basename="handling")

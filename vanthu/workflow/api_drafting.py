"""API of drafting outgoing documents with review and approval (issue 5 item 3).

Thin (ADR 0009): a serializer parses, one service of `workflow.drafting` works with the request's
actor, a serializer renders. Another agency's draft is 404; an action one may not take is 403;
an action the draft's state does not allow is 409; nothing is changed by a refusal.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from vanthu.registry.api import serializers as rs
from vanthu.registry.api.outgoing_views import _outgoing_data, _recipients
from vanthu.registry.api.views import (
    DETAIL_ERRORS,
    LIST_ERRORS,
    TRANSITION_ERRORS,
    WRITE_ERRORS,
    RegistryViewSet,
    api_field_names,
    parse_body,
    parse_query,
)
from vanthu.workflow import drafting
from vanthu.workflow.choices import DraftState
from vanthu.workflow.models import DraftReview, ReviewRoute, Step

# --- Serializers -----------------------------------------------------------------------------


class DraftStepSerializer(serializers.ModelSerializer[Step]):
    """One line of the draft's timeline."""

    actor_name = serializers.CharField(source="actor.full_name", default="", read_only=True)

    class Meta:
        model = Step
        fields = ["id", "at", "action", "text", "note", "actor", "actor_name"]
        read_only_fields = fields


class DraftSerializer(serializers.ModelSerializer[DraftReview]):
    """A draft with its outgoing document, versions (newest first), timeline and allowed actions."""

    state = serializers.ChoiceField(choices=DraftState.choices, read_only=True)
    steps = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Review steps in order (`unit_head`, `leader`), fixed when submitted.",
    )
    document = rs.OutgoingDocumentSerializer(source="outgoing", read_only=True)
    versions = serializers.SerializerMethodField(help_text="Versions of the text, newest first.")
    timeline = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(
        help_text="What the caller may do now: version, submit, approve, return, comment, "
        "sign (on the outgoing document), issue (clerks, on the outgoing document)."
    )

    class Meta:
        model = DraftReview
        fields = [
            "id",
            "agency",
            "drafter",
            "answers",
            "state",
            "steps",
            "step_index",
            "reviewer",
            "created_at",
            "updated_at",
            "document",
            "versions",
            "timeline",
            "actions",
        ]
        read_only_fields = fields

    def get_versions(self, draft: DraftReview) -> list[dict[str, Any]]:
        data = rs.DocumentFileSerializer(drafting.draft_versions(draft), many=True).data
        return list(data)

    def get_timeline(self, draft: DraftReview) -> list[dict[str, Any]]:
        return list(DraftStepSerializer(drafting.draft_timeline(draft), many=True).data)

    def get_actions(self, draft: DraftReview) -> list[str]:
        actor = self.context.get("actor")
        return sorted(drafting.draft_actions(actor, draft)) if actor is not None else []


class DraftListItemSerializer(serializers.ModelSerializer[DraftReview]):
    """A draft in a list."""

    state = serializers.ChoiceField(choices=DraftState.choices, read_only=True)
    summary = serializers.CharField(source="outgoing.summary", read_only=True)
    document_type = serializers.IntegerField(source="outgoing.document_type_id", read_only=True)
    urgency = serializers.CharField(source="outgoing.urgency", read_only=True)

    class Meta:
        model = DraftReview
        fields = [
            "id",
            "outgoing",
            "summary",
            "document_type",
            "urgency",
            "drafter",
            "state",
            "reviewer",
            "updated_at",
        ]
        read_only_fields = fields


class DraftListQuerySerializer(serializers.Serializer[Any]):
    """Which drafts to list."""

    box = serializers.ChoiceField(
        choices=[("mine", "mine"), ("review", "review"), ("issue", "issue")],
        default="mine",
        help_text="`mine`: drafts I wrote; `review`: waiting for my review; `issue`: approved, "
        "waiting for the clerk (clerks).",
    )


class DraftInputSerializer(rs.OutgoingInputSerializer):
    """The outgoing document's fields, and the assignment the draft answers, if any."""

    answers = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        help_text="Id of the assignment (of an incoming document) this draft replies to; "
        "issuing the reply completes it.",
    )


class DraftVersionSerializer(serializers.Serializer[Any]):
    """A new version of the text (multipart/form-data)."""

    upload = serializers.FileField(help_text="DOCX, ODT or PDF; the earlier versions stay.")


class DraftNoteSerializer(serializers.Serializer[Any]):
    """An optional note with a step."""

    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=4000, trim_whitespace=False
    )


class DraftRequiredNoteSerializer(serializers.Serializer[Any]):
    """A required note: what to revise, or a comment."""

    note = serializers.CharField(max_length=4000, trim_whitespace=False)


class ReviewRouteSerializer(serializers.ModelSerializer[ReviewRoute]):
    """The review steps of an agency for a document type (null: every other type)."""

    steps = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = ReviewRoute
        fields = ["id", "agency", "document_type", "steps"]
        read_only_fields = fields


class ReviewRouteInputSerializer(serializers.Serializer[Any]):
    """Set the steps of a document type (or of every type without its own route)."""

    document_type = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1
    )
    steps = serializers.ListField(
        child=serializers.ChoiceField(choices=[(r, r) for r in drafting.REVIEW_ROLES]),
        min_length=1,
        max_length=drafting.MAX_STEPS,
        help_text='Roles in order, e.g. `["unit_head", "leader"]`.',
    )


# --- Views -----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List my drafts, drafts waiting for my review, or approved drafts to issue",
        parameters=[DraftListQuerySerializer],
        responses={200: DraftListItemSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="Get a draft with its versions, timeline and the caller's allowed actions",
        responses={200: DraftSerializer, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        summary="Start a draft of an outgoing document (staff); upload its text as a version",
        request=DraftInputSerializer,
        responses={201: DraftSerializer, **WRITE_ERRORS},
    ),
    versions=extend_schema(
        summary="Upload a new version of the text (the drafter, while drafting; multipart)",
        request={"multipart/form-data": DraftVersionSerializer},
        responses={201: rs.DocumentFileSerializer, **TRANSITION_ERRORS},
    ),
    submit=extend_schema(
        summary="Submit the draft for review along the agency's route (the drafter)",
        request=DraftNoteSerializer,
        responses={200: DraftSerializer, **TRANSITION_ERRORS},
    ),
    approve=extend_schema(
        summary="Approve the draft at the current step (the current reviewer)",
        description="At the leader's step of an agency that signs digitally, the current text "
        "must carry the signer's valid signature first (409 otherwise).",
        request=DraftNoteSerializer,
        responses={200: DraftSerializer, **TRANSITION_ERRORS},
    ),
    return_=extend_schema(
        summary="Return the draft for revision with a note (the reviewer; a clerk once approved)",
        request=DraftRequiredNoteSerializer,
        responses={200: DraftSerializer, **TRANSITION_ERRORS},
    ),
    comment=extend_schema(
        summary="Add a comment to the draft's timeline",
        request=DraftRequiredNoteSerializer,
        responses={201: DraftStepSerializer, **TRANSITION_ERRORS},
    ),
)
@extend_schema(tags=["Drafting"])
class DraftViewSet(RegistryViewSet):
    """Drafts of outgoing documents on their way through review to the clerk."""

    multipart_actions = frozenset({"versions"})

    def _render(self, draft_id: int, code: int = status.HTTP_200_OK) -> Response:
        draft = drafting.draft_get(actor=self.actor, draft_id=draft_id)
        return Response(DraftSerializer(draft, context={"actor": self.actor}).data, status=code)

    def list(self, request: Request) -> Response:
        box = parse_query(DraftListQuerySerializer, request)["box"]
        selector = {
            "mine": drafting.draft_list_mine,
            "review": drafting.draft_list_to_review,
            "issue": drafting.draft_list_to_issue,
        }[box]
        return self._page(selector(actor=self.actor), DraftListItemSerializer)

    def retrieve(self, request: Request, pk: int) -> Response:
        return self._render(pk)

    def create(self, request: Request) -> Response:
        body = parse_body(DraftInputSerializer, request)
        with api_field_names():
            draft = drafting.draft_create(
                actor=self.actor,
                data=_outgoing_data(body),
                recipients=_recipients(body),
                files=[],
                answers_assignment_id=body["answers"],
            )
        return self._render(draft.pk, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def versions(self, request: Request, pk: int) -> Response:
        body = parse_body(DraftVersionSerializer, request)
        upload = body["upload"]
        with api_field_names():
            stored = drafting.draft_version_add(
                actor=self.actor, draft_id=pk, name=upload.name or "", data=upload.read()
            )
        return Response(rs.DocumentFileSerializer(stored).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: int) -> Response:
        body = parse_body(DraftNoteSerializer, request)
        drafting.draft_submit(actor=self.actor, draft_id=pk, note=body["note"])
        return self._render(pk)

    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: int) -> Response:
        body = parse_body(DraftNoteSerializer, request)
        drafting.draft_approve(actor=self.actor, draft_id=pk, note=body["note"])
        return self._render(pk)

    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: int) -> Response:
        body = parse_body(DraftRequiredNoteSerializer, request)
        drafting.draft_return(actor=self.actor, draft_id=pk, note=body["note"])
        return self._render(pk)

    @action(detail=True, methods=["post"])
    def comment(self, request: Request, pk: int) -> Response:
        body = parse_body(DraftRequiredNoteSerializer, request)
        step = drafting.draft_comment(actor=self.actor, draft_id=pk, note=body["note"])
        return Response(DraftStepSerializer(step).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="List the acting agency's review routes",
        responses={200: ReviewRouteSerializer(many=True), **LIST_ERRORS},
    ),
    create=extend_schema(
        summary="Set the review route of a document type (agency administrators)",
        description="Without a route, a type uses the agency's route with no type, else "
        '`["unit_head", "leader"]`.',
        request=ReviewRouteInputSerializer,
        responses={200: ReviewRouteSerializer, **WRITE_ERRORS},
    ),
)
@extend_schema(tags=["Drafting"])
class ReviewRouteViewSet(RegistryViewSet):
    """The review routes of drafts, per document type."""

    def list(self, request: Request) -> Response:
        return self._page(drafting.review_route_list(actor=self.actor), ReviewRouteSerializer)

    def create(self, request: Request) -> Response:
        body = parse_body(ReviewRouteInputSerializer, request)
        route = drafting.review_route_set(
            actor=self.actor, document_type_id=body["document_type"], steps=body["steps"]
        )
        return Response(ReviewRouteSerializer(route).data)


router = SimpleRouter(use_regex_path=False)
router.register("drafts", DraftViewSet, basename="draft")
router.register("review-routes", ReviewRouteViewSet, basename="review-route")
urlpatterns = router.urls

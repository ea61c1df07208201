"""API endpoints of the registers: reference data, incoming documents, the exchange policy.

Outgoing documents and paper-dispatch tasks are in `outgoing_views.py`.

Each endpoint parses its input with a serializer, calls one selector or service with the actor
of the request, and serializes the result (ADR 0009). Another agency's document or file is 404;
a document one may read but not register is 403; nothing is changed by a refusal.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import BaseParser, FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from vanthu.core.api import error_responses
from vanthu.core.errors import NotFound, ValidationFailed
from vanthu.core.pagination import keyset_page
from vanthu.organizations.api.base import ActorAPIMixin, IdCursorPagination
from vanthu.registry import incoming, policy, selectors
from vanthu.registry.api import serializers as s
from vanthu.registry.models import ExchangePolicyRule

LIST_ERRORS = error_responses(400, 401, 403)
DETAIL_ERRORS = error_responses(401, 403, 404)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409)
TRANSITION_ERRORS = error_responses(
    400,
    401,
    403,
    404,
    409,
    s409="Not allowed in the document's state (`invalid_transition`), e.g. issued twice.",
)
FILE_NOT_FOUND = "Không tìm thấy tệp."


def parse_query(
    serializer_class: type[serializers.Serializer[Any]], request: Request
) -> dict[str, Any]:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


def parse_body(
    serializer_class: type[serializers.Serializer[Any]], request: Request
) -> dict[str, Any]:
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


# Service field names that the API names differently.
API_FIELD_NAMES = {
    "sender_agency_id": "sender_agency",
    "document_type_id": "document_type",
    "field_id": "field",
    "drafting_unit_id": "drafting_unit",
    "files": "uploads",
    "signer_id": "signer",
}


@contextmanager
def api_field_names() -> Iterator[None]:
    """Report a service's invalid fields under the names the API's clients sent."""
    try:
        yield
    except ValidationFailed as error:
        error.fields = {API_FIELD_NAMES.get(k, k): v for k, v in error.fields.items()}
        raise


def _acting_agency(actor_agency_id: int | None, requested: int | None) -> int:
    agency_id = requested if requested is not None else actor_agency_id
    if agency_id is None:
        raise serializers.ValidationError(
            {"agency": ["Chọn cơ quan: bạn không làm việc cho cơ quan nào."]}
        )
    return agency_id


def _rule_data(body: dict[str, Any]) -> policy.PolicyRuleData:
    return policy.PolicyRuleData(
        mode=body["mode"],
        legal_basis=body["legal_basis"],
        priority=body["priority"],
        document_type_id=body["document_type"],
        purpose=body["purpose"],
        is_legal_normative=body["is_legal_normative"],
        is_permanent_retention=body["is_permanent_retention"],
    )


class RegistryViewSet(ActorAPIMixin, viewsets.GenericViewSet[Any]):
    """Base of the register endpoints: integer ids in paths, cursor paging on id."""

    pagination_class = IdCursorPagination
    lookup_value_converter = "int"
    # The actions that take files (multipart/form-data); every other one takes JSON.
    multipart_actions: frozenset[str] = frozenset()

    def get_parsers(self) -> list[BaseParser]:
        # DRF asks for the parsers before it sets `self.action`; the method tells the action.
        action_name = getattr(self, "action", None)
        if action_name is None and getattr(self, "request", None) is not None:
            method = (self.request.method or "").lower()
            action_name = getattr(self, "action_map", {}).get(method)
        if action_name in self.multipart_actions:
            return [MultiPartParser(), FormParser()]
        return [JSONParser()]

    def _page(self, queryset: QuerySet[Any], serializer_class: type[Any]) -> Response:
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(serializer_class(page, many=True).data)


# --- Reference data -------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List document types (NĐ 30/2020 Điều 7)",
        responses={200: s.DocumentTypeSerializer(many=True), **LIST_ERRORS},
    )
)
@extend_schema(tags=["Registers"])
class DocumentTypeViewSet(RegistryViewSet):
    """The document types with their abbreviations (shared reference data)."""

    def list(self, request: Request) -> Response:
        return self._page(selectors.document_type_list(), s.DocumentTypeSerializer)


@extend_schema_view(
    list=extend_schema(
        summary="List the acting agency's registers",
        parameters=[s.RegisterListQuerySerializer],
        responses={200: s.RegisterSerializer(many=True), **LIST_ERRORS},
    )
)
@extend_schema(tags=["Registers"])
class RegisterViewSet(RegistryViewSet):
    """Registers (sổ văn bản) of the acting agency."""

    def list(self, request: Request) -> Response:
        query = parse_query(s.RegisterListQuerySerializer, request)
        registers = selectors.register_list(actor=self.actor, kind=query["kind"] or None)
        return self._page(registers.prefetch_related("document_types"), s.RegisterSerializer)


# --- Incoming documents ---------------------------------------------------------------------


def _incoming_filters(query: dict[str, Any]) -> selectors.IncomingFilters:
    return selectors.IncomingFilters(
        received_from=query.get("received_from"),
        received_to=query.get("received_to"),
        register_id=query.get("register"),
        document_type_id=query.get("document_type"),
        field_id=query.get("field"),
        sender=query["sender"],
        urgency=query.get("urgency", ""),
        status=query.get("status", ""),
        overdue=query["overdue"],
        q=query["q"],
    )


def _incoming_data(body: dict[str, Any]) -> incoming.IncomingData:
    return incoming.IncomingData(
        sender_agency_id=body["sender_agency"],
        sender_name=body["sender_name"],
        number=body["number"],
        notation=body["notation"],
        document_date=body["document_date"],
        document_type_id=body["document_type"],
        field_id=body["field"],
        summary=body["summary"],
        signer_name=body["signer_name"],
        signer_position=body["signer_position"],
        urgency=body["urgency"],
        filing_location=body["filing_location"],
        due_date=body["due_date"],
        page_count=body["page_count"],
        notes=body["notes"],
    )


DUPLICATE_409 = (
    "A document with the same sender, number/notation and date, or the same file, is already "
    "registered (`duplicate`); `fields.duplicates` lists their ids. Send `confirm_duplicate` "
    "to register anyway."
)


@extend_schema_view(
    list=extend_schema(
        summary="List incoming documents",
        description="The acting agency's incoming documents, newest received first, with the "
        "interface's filters. Keyset pagination: pass the page's `next_cursor` as `after`; it "
        "stays fast however many documents the register holds.",
        parameters=[s.IncomingListQuerySerializer],
        responses={200: s.IncomingPageSerializer, **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="Get an incoming document with its files",
        responses={200: s.IncomingDocumentSerializer, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        summary="Register an incoming document (clerks)",
        description="Multipart form: the metadata, one or more `uploads` and the `channel` "
        "(QĐ 22 Điều 6.1.a electronic, 6.1.c paper scan). A file whose content is not what its "
        "name says is refused (400).",
        request={"multipart/form-data": s.IncomingCreateSerializer},
        responses={
            201: s.IncomingDocumentSerializer,
            **error_responses(400, 401, 403, 404, 409, s409=DUPLICATE_409),
        },
    ),
    paper_copy=extend_schema(
        summary="Record that the paper copy arrived (QĐ 22 Điều 6.1.b, clerks)",
        description="Marks the existing electronic record; never creates a second one.",
        request=None,
        responses={200: s.IncomingDocumentSerializer, **WRITE_ERRORS},
    ),
)
@extend_schema(tags=["Incoming documents"])
class IncomingDocumentViewSet(RegistryViewSet):
    """The incoming register (sổ văn bản đến)."""

    # Keyset pages on the list's own order (core.pagination), not DRF's cursor on id.
    pagination_class = None  # type: ignore[assignment]

    multipart_actions = frozenset({"create"})

    def list(self, request: Request) -> Response:
        query = parse_query(s.IncomingListQuerySerializer, request)
        documents = selectors.incoming_list(actor=self.actor, filters=_incoming_filters(query))
        page = keyset_page(
            documents.prefetch_related("files"),
            after=query["after"] or None,
            size=query["page_size"],
        )
        results = s.IncomingDocumentSerializer(page.items, many=True).data
        return Response({"next_cursor": page.next_cursor, "results": results})

    def retrieve(self, request: Request, pk: int) -> Response:
        document = selectors.incoming_get(actor=self.actor, document_id=pk)
        return Response(s.IncomingDocumentSerializer(document).data)

    def create(self, request: Request) -> Response:
        body = parse_body(s.IncomingCreateSerializer, request)
        files = [(upload.name, upload.read()) for upload in body["uploads"]]
        # A duplicate is the service's Conflict (`duplicate`) with `fields.duplicates`.
        with api_field_names():
            document = incoming.incoming_document_register(
                actor=self.actor,
                data=_incoming_data(body),
                files=files,
                channel=body["channel"],
                confirm_duplicate=body["confirm_duplicate"],
            )
        document = selectors.incoming_get(actor=self.actor, document_id=document.pk)
        return Response(s.IncomingDocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], url_path="paper-copy")
    def paper_copy(self, request: Request, pk: int) -> Response:
        incoming.incoming_paper_copy_record(actor=self.actor, document_id=pk)
        document = selectors.incoming_get(actor=self.actor, document_id=pk)
        return Response(s.IncomingDocumentSerializer(document).data)


@extend_schema(tags=["Incoming documents"])
class IncomingFileContentViewSet(RegistryViewSet):
    """The stored bytes of an incoming document's file."""

    @extend_schema(
        summary="Download a file of an incoming document",
        description="The original bytes, with the stored content type.",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file's bytes."
            ),
            **DETAIL_ERRORS,
        },
    )
    def retrieve(self, request: Request, pk: int, file_id: int) -> FileResponse:
        stored = selectors.document_file_get(actor=self.actor, file_id=file_id)
        if stored.incoming_id != pk:
            raise NotFound(FILE_NOT_FOUND)
        try:
            handle = stored.file.open("rb")
        except FileNotFoundError:
            raise NotFound(FILE_NOT_FOUND) from None
        response = FileResponse(
            handle,
            content_type=stored.content_type or "application/octet-stream",
            filename=stored.original_name,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


# --- Exchange policy ------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List an agency's exchange policy (QĐ 22 Điều 4 and 5)",
        description="The acting agency's table, or `agency`'s among those the caller belongs "
        "to, in checking order (smallest priority first).",
        parameters=[s.AgencyScopedQuerySerializer],
        responses={200: s.ExchangePolicyRuleSerializer(many=True), **LIST_ERRORS},
    ),
    create=extend_schema(
        summary="Add a line to the exchange policy (agency administrators, Điều 4.2)",
        request=s.ExchangePolicyRuleInputSerializer,
        responses={201: s.ExchangePolicyRuleSerializer, **WRITE_ERRORS},
    ),
    update=extend_schema(
        summary="Replace a line of the exchange policy (agency administrators)",
        request=s.ExchangePolicyRuleInputSerializer,
        responses={200: s.ExchangePolicyRuleSerializer, **WRITE_ERRORS},
    ),
    destroy=extend_schema(
        summary="Remove a line of the exchange policy (agency administrators)",
        responses={204: OpenApiResponse(description="Line removed."), **WRITE_ERRORS},
    ),
)
@extend_schema(tags=["Exchange policy"])
class ExchangePolicyRuleViewSet(RegistryViewSet):
    """The exchange policy table of an agency, in checking order."""

    def list(self, request: Request) -> Response:
        query = parse_query(s.AgencyScopedQuerySerializer, request)
        agency_id = query["agency"] or self.actor.agency_id
        if agency_id is None:
            # Someone without an agency (a system administrator) has no table of their own.
            return self._page(ExchangePolicyRule.objects.none(), s.ExchangePolicyRuleSerializer)
        rules = policy.exchange_policy_list(actor=self.actor, agency_id=agency_id)
        return self._page(rules, s.ExchangePolicyRuleSerializer)

    def create(self, request: Request) -> Response:
        body = parse_body(s.ExchangePolicyRuleInputSerializer, request)
        with api_field_names():
            rule = policy.exchange_policy_rule_create(
                actor=self.actor,
                agency_id=_acting_agency(self.actor.agency_id, body.pop("agency")),
                data=_rule_data(body),
            )
        return Response(s.ExchangePolicyRuleSerializer(rule).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, pk: int) -> Response:
        body = parse_body(s.ExchangePolicyRuleInputSerializer, request)
        body.pop("agency")
        with api_field_names():
            rule = policy.exchange_policy_rule_update(
                actor=self.actor, rule_id=pk, data=_rule_data(body)
            )
        return Response(s.ExchangePolicyRuleSerializer(rule).data)

    def destroy(self, request: Request, pk: int) -> Response:
        policy.exchange_policy_rule_delete(actor=self.actor, rule_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

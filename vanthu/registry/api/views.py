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
from vanthu.core.errors import NotFound, PermissionDenied, ValidationFailed
from vanthu.core.pagination import keyset_page
from vanthu.organizations.api.base import ActorAPIMixin, IdCursorPagination
from vanthu.registry import incoming, policy, registers, selectors
from vanthu.registry.api import serializers as s
from vanthu.registry.models import DocumentFile, ExchangePolicyRule, Register
from vanthu.registry.views.common import download_response, stored_file_open
from vanthu.reports.exports import CONTENT_TYPES, FileFormat, register_export_file

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


REGISTER_409 = (
    "The change collides with the agency's registers (`conflict`), `fields` says which: a "
    "name already used; a type another open register numbers; no open general register left; "
    "or a type numbered this year in another series, which may move only from 1 January "
    "(NĐ 30/2020 Điều 15)."
)
BOOK_403 = "Only the agency's clerks, leaders and archivists print its register books."


def file_download(stored: DocumentFile) -> FileResponse:
    """Stream a stored file of a document with its stored content type."""
    return download_response(
        stored_file_open(stored), filename=stored.original_name, content_type=stored.content_type
    )


@extend_schema_view(
    list=extend_schema(
        summary="List the acting agency's registers",
        description="Open registers only unless `include_inactive` is true.",
        parameters=[s.RegisterListQuerySerializer],
        responses={200: s.RegisterSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="Get a register",
        responses={200: s.RegisterSerializer, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        summary="Add a register series to the acting agency (clerks, agency administrators)",
        description="A separate series for the listed document types, numbered from 01 (NĐ "
        "30/2020 Điều 15). Journalled.",
        request=s.RegisterCreateSerializer,
        responses={
            201: s.RegisterSerializer,
            **error_responses(400, 401, 403, 409, s409=REGISTER_409),
        },
    ),
    partial_update=extend_schema(
        summary="Rename, retype, close or reopen a register (clerks, agency administrators)",
        description="Closing keeps the register's documents, numbers and counters; no number "
        "is freed or reused, and a reopened register continues its year's series. Journalled.",
        request=s.RegisterPatchSerializer,
        responses={
            200: s.RegisterSerializer,
            **error_responses(400, 401, 403, 404, 409, s409=REGISTER_409),
        },
    ),
    book=extend_schema(
        summary="Download a printable register book (NĐ 30/2020 Phụ lục IV), PDF or XLSX",
        description="The incoming, outgoing or tracking book of the register for any period, "
        "the same file as the interface's “In sổ” page, streamed. "
        "Clerks, leaders and archivists of the register's agency.",
        parameters=[s.RegisterBookQuerySerializer],
        responses={
            (200, CONTENT_TYPES[FileFormat.PDF]): OpenApiResponse(
                OpenApiTypes.BINARY, description="The book as PDF (`file_format=pdf`)."
            ),
            (200, CONTENT_TYPES[FileFormat.XLSX]): OpenApiResponse(
                OpenApiTypes.BINARY, description="The book as XLSX (`file_format=xlsx`)."
            ),
            **error_responses(400, 401, 403, 404, s403=BOOK_403),
        },
    ),
)
@extend_schema(tags=["Registers"])
class RegisterViewSet(RegistryViewSet):
    """Registers (sổ văn bản) of the acting agency, their configuration and printed books."""

    def list(self, request: Request) -> Response:
        query = parse_query(s.RegisterListQuerySerializer, request)
        items = selectors.register_list(
            actor=self.actor,
            kind=query["kind"] or None,
            include_inactive=query["include_inactive"],
        )
        return self._page(items.prefetch_related("document_types"), s.RegisterSerializer)

    def retrieve(self, request: Request, pk: int) -> Response:
        register = selectors.register_get(actor=self.actor, register_id=pk)
        return Response(s.RegisterSerializer(register).data)

    def create(self, request: Request) -> Response:
        # Refuse before reading the body: a refused caller learns nothing from its errors.
        if not registers.can_edit_registers(self.actor, self.actor.agency_id):
            raise PermissionDenied(
                registers.NO_AGENCY_MESSAGE
                if self.actor.agency_id is None
                else registers.DENIED_MESSAGE
            )
        body = parse_body(s.RegisterCreateSerializer, request)
        register = registers.register_create(
            actor=self.actor,
            kind=body["kind"],
            data=registers.RegisterData(
                name=body["name"], document_type_ids=tuple(body["document_types"])
            ),
        )
        return Response(s.RegisterSerializer(register).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: int) -> Response:
        register: Register = selectors.register_get(actor=self.actor, register_id=pk)
        if not registers.can_edit_registers(self.actor, register.agency_id):
            raise PermissionDenied(registers.DENIED_MESSAGE)
        body = parse_body(s.RegisterPatchSerializer, request)
        current_types = register.document_types.values_list("pk", flat=True)
        data = registers.RegisterData(
            name=body.get("name", register.name),
            document_type_ids=tuple(body.get("document_types", current_types)),
            is_active=body.get("is_active", register.is_active),
        )
        register = registers.register_update(actor=self.actor, register_id=pk, data=data)
        return Response(s.RegisterSerializer(register).data)

    @action(detail=True, methods=["get"])
    def book(self, request: Request, pk: int) -> FileResponse:
        query = parse_query(s.RegisterBookQuerySerializer, request)
        export = register_export_file(
            actor=self.actor,
            book=query["book"],
            register_id=pk,
            date_from=query["date_from"],
            date_to=query["date_to"],
            file_format=query["file_format"],
        )
        return download_response(
            export.file,
            filename=export.filename,
            content_type=export.content_type,
            as_attachment=True,
        )


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
        sort=query["sort"],
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
        description="The acting agency's incoming documents, newest received first unless "
        "`sort` says otherwise, with the interface's filters and sorts. Keyset pagination: "
        "pass the page's `next_cursor` as `after` with the same filters and sort; it stays "
        "fast however many documents the register holds.",
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
        return file_download(stored)


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

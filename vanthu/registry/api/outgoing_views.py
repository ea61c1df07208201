"""API endpoints of outgoing documents and their paper-dispatch tasks (QĐ 22 Điều 6.2, 10.3).

Thin, like every endpoint (ADR 0009): a serializer parses, one service or selector works with the
request's actor, a serializer renders.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from vanthu.core.errors import NotFound
from vanthu.core.pagination import keyset_page
from vanthu.registry import outgoing, selectors
from vanthu.registry.api import serializers as s
from vanthu.registry.api.views import (
    DETAIL_ERRORS,
    FILE_NOT_FOUND,
    LIST_ERRORS,
    TRANSITION_ERRORS,
    WRITE_ERRORS,
    RegistryViewSet,
    api_field_names,
    file_download,
    parse_body,
    parse_query,
)

# --- Outgoing documents ---------------------------------------------------------------------


def _outgoing_data(body: dict[str, Any]) -> outgoing.OutgoingData:
    return outgoing.OutgoingData(
        document_type_id=body["document_type"],
        drafting_unit_id=body["drafting_unit"],
        field_id=body["field"],
        purpose=body["purpose"],
        is_permanent_retention=body["is_permanent_retention"],
        urgency=body["urgency"],
        summary=body["summary"],
        signer_id=body["signer"],
        signer_name=body["signer_name"],
        signer_position=body["signer_position"],
        original_required=body["original_required"],
        copies=body["copies"],
        page_count=body["page_count"],
        notes=body["notes"],
    )


def _outgoing_filters(query: dict[str, Any]) -> selectors.OutgoingFilters:
    return selectors.OutgoingFilters(
        date_from=query.get("date_from"),
        date_to=query.get("date_to"),
        register_id=query.get("register"),
        document_type_id=query.get("document_type"),
        field_id=query.get("field"),
        urgency=query.get("urgency", ""),
        status=query.get("status", ""),
        paper_overdue=query["paper_overdue"],
        q=query["q"],
        sort=query["sort"],
    )


def _recipients(body: dict[str, Any]) -> list[outgoing.RecipientData]:
    return [
        outgoing.RecipientData(
            agency_id=line["agency"], place=line["place"], is_filing_copy=line["is_filing_copy"]
        )
        for line in body["recipients"]
    ]


def _outgoing_values(document: Any) -> dict[str, Any]:
    """The current editable values of a document, for PATCH."""
    return {
        "document_type": document.document_type_id,
        "drafting_unit": document.drafting_unit_id,
        "field": document.field_id,
        "purpose": document.purpose,
        "is_permanent_retention": document.is_permanent_retention,
        "urgency": document.urgency,
        "summary": document.summary,
        "signer": document.signer_id,
        "signer_name": document.signer_name,
        "signer_position": document.signer_position,
        "original_required": document.original_required,
        "copies": document.copies,
        "page_count": document.page_count,
        "notes": document.notes,
        "recipients": [
            {"agency": r.agency_id, "place": r.place, "is_filing_copy": r.is_filing_copy}
            for r in document.recipients.all()
        ],
    }


@extend_schema_view(
    list=extend_schema(
        summary="List outgoing documents",
        description="The acting agency's outgoing documents, newest entered first unless "
        "`sort` says otherwise, with the interface's filters and sorts. Keyset pagination: "
        "pass the page's `next_cursor` as `after` with the same filters and sort.",
        parameters=[s.OutgoingListQuerySerializer],
        responses={200: s.OutgoingPageSerializer, **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="Get an outgoing document with its recipients as printed",
        responses={200: s.OutgoingDocumentSerializer, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        summary="Enter an outgoing document in the register, not yet numbered (clerks)",
        request=s.OutgoingInputSerializer,
        responses={201: s.OutgoingDocumentSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change an outgoing document before it is issued (clerks)",
        request=s.OutgoingInputSerializer,
        responses={200: s.OutgoingDocumentSerializer, **TRANSITION_ERRORS},
    ),
    issue=extend_schema(
        summary="Issue an outgoing document: take its number (clerks)",
        description="The number comes from the register of the type and is never reused; the "
        "notation is built from the type, agency and unit (NĐ 30/2020 Phụ lục I).",
        request=s.IssueSerializer,
        responses={200: s.OutgoingDocumentSerializer, **TRANSITION_ERRORS},
    ),
    files=extend_schema(
        summary="Attach the text or attachments to a draft (clerks, multipart/form-data)",
        description="Each file is checked (its bytes must match its name; PDFs must parse) and "
        "stored byte for byte; a bad file stores nothing.",
        request={"multipart/form-data": s.OutgoingFilesSerializer},
        responses={201: s.DocumentFileSerializer(many=True), **TRANSITION_ERRORS},
    ),
    revoke=extend_schema(
        summary="Revoke an issued document (clerks); its number is never reused",
        request=s.RevokeSerializer,
        responses={200: s.OutgoingDocumentSerializer, **TRANSITION_ERRORS},
    ),
    sent=extend_schema(
        summary="Confirm that an issued document was sent (QĐ 22 Điều 10, clerks)",
        description="An electronic-and-paper document gets a paper-dispatch task due 0.5 "
        "working day later (Điều 10.3).",
        request=s.SentSerializer,
        responses={200: s.OutgoingDocumentSerializer, **TRANSITION_ERRORS},
    ),
)
@extend_schema(tags=["Outgoing documents"])
class OutgoingDocumentViewSet(RegistryViewSet):
    """The outgoing register (sổ văn bản đi)."""

    # Keyset pages on the list's own order (core.pagination), not DRF's cursor on id.
    pagination_class = None  # type: ignore[assignment]
    multipart_actions = frozenset({"files"})

    def list(self, request: Request) -> Response:
        query = parse_query(s.OutgoingListQuerySerializer, request)
        documents = selectors.outgoing_list(actor=self.actor, filters=_outgoing_filters(query))
        page = keyset_page(
            documents.prefetch_related("recipients", "files"),
            after=query["after"] or None,
            size=query["page_size"],
        )
        results = s.OutgoingDocumentSerializer(page.items, many=True).data
        return Response({"next_cursor": page.next_cursor, "results": results})

    def retrieve(self, request: Request, pk: int) -> Response:
        document = selectors.outgoing_get(actor=self.actor, document_id=pk)
        return Response(s.OutgoingDocumentSerializer(document).data)

    def create(self, request: Request) -> Response:
        body = parse_body(s.OutgoingInputSerializer, request)
        with api_field_names():
            document = outgoing.outgoing_document_create(
                actor=self.actor, data=_outgoing_data(body), recipients=_recipients(body)
            )
        document = selectors.outgoing_get(actor=self.actor, document_id=document.pk)
        return Response(s.OutgoingDocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: int) -> Response:
        current = selectors.outgoing_get(actor=self.actor, document_id=pk)
        body = s.OutgoingInputSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        values = {**_outgoing_values(current), **body.validated_data}
        with api_field_names():
            outgoing.outgoing_document_update(
                actor=self.actor,
                document_id=pk,
                data=_outgoing_data(values),
                recipients=_recipients(values),
            )
        document = selectors.outgoing_get(actor=self.actor, document_id=pk)
        return Response(s.OutgoingDocumentSerializer(document).data)

    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk: int) -> Response:
        body = parse_body(s.IssueSerializer, request)
        outgoing.outgoing_document_issue(
            actor=self.actor, document_id=pk, document_date=body["document_date"]
        )
        document = selectors.outgoing_get(actor=self.actor, document_id=pk)
        return Response(s.OutgoingDocumentSerializer(document).data)

    @action(detail=True, methods=["post"])
    def files(self, request: Request, pk: int) -> Response:
        body = parse_body(s.OutgoingFilesSerializer, request)
        with api_field_names():
            stored = outgoing.outgoing_document_files_add(
                actor=self.actor,
                document_id=pk,
                files=[(upload.name, upload.read()) for upload in body["uploads"]],
                role=body["role"],
            )
        return Response(
            s.DocumentFileSerializer(stored, many=True).data, status=status.HTTP_201_CREATED
        )

    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: int) -> Response:
        body = parse_body(s.RevokeSerializer, request)
        outgoing.outgoing_document_revoke(actor=self.actor, document_id=pk, reason=body["reason"])
        document = selectors.outgoing_get(actor=self.actor, document_id=pk)
        return Response(s.OutgoingDocumentSerializer(document).data)

    @action(detail=True, methods=["post"])
    def sent(self, request: Request, pk: int) -> Response:
        body = parse_body(s.SentSerializer, request)
        outgoing.outgoing_document_mark_sent(
            actor=self.actor, document_id=pk, sent_at=body["sent_at"]
        )
        document = selectors.outgoing_get(actor=self.actor, document_id=pk)
        return Response(s.OutgoingDocumentSerializer(document).data)


@extend_schema(tags=["Outgoing documents"])
class OutgoingFileContentViewSet(RegistryViewSet):
    """The stored bytes of an outgoing document's file (its text, annexes, signed revisions)."""

    @extend_schema(
        summary="Download a file of an outgoing document",
        description="The stored bytes, with the stored content type; earlier revisions of a "
        "signed file stay downloadable by their id.",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file's bytes."
            ),
            **DETAIL_ERRORS,
        },
    )
    def retrieve(self, request: Request, pk: int, file_id: int) -> FileResponse:
        stored = selectors.document_file_get(actor=self.actor, file_id=file_id)
        if stored.outgoing_id != pk:
            raise NotFound(FILE_NOT_FOUND)
        return file_download(stored)


# --- Paper dispatch tasks -------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List paper-dispatch tasks of the acting agency",
        responses={200: s.PaperDispatchTaskSerializer(many=True), **LIST_ERRORS},
    ),
    complete=extend_schema(
        summary="Tick off a paper-dispatch task: the paper copy was sent (clerks)",
        request=None,
        responses={200: s.PaperDispatchTaskSerializer, **TRANSITION_ERRORS},
    ),
)
@extend_schema(tags=["Outgoing documents"])
class PaperDispatchTaskViewSet(RegistryViewSet):
    """Paper copies of Article 5 documents still to send, and those sent."""

    def list(self, request: Request) -> Response:
        tasks = outgoing.paper_dispatch_list(actor=self.actor)
        return self._page(tasks.select_related("document"), s.PaperDispatchTaskSerializer)

    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: int) -> Response:
        task = outgoing.paper_dispatch_complete(actor=self.actor, task_id=pk)
        return Response(s.PaperDispatchTaskSerializer(task).data)

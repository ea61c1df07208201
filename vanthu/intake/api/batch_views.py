"""API of the scanning batches (lô quét): upload, pages and proposed split, arrangement, items.

Only the agency's clerks see its batches; anyone else gets 404 for a batch and an empty list.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from vanthu.core.errors import NotFound, PermissionDenied
from vanthu.intake import batches
from vanthu.intake.api import serializers as s
from vanthu.intake.models import ScanBatch
from vanthu.registry.api.views import (
    DETAIL_ERRORS,
    LIST_ERRORS,
    WRITE_ERRORS,
    RegistryViewSet,
    api_field_names,
    parse_body,
)
from vanthu.registry.permissions import can_register
from vanthu.registry.views.common import download_response


def _detail(batch: ScanBatch) -> dict[str, Any]:
    batch = ScanBatch.objects.prefetch_related("pages__source", "items").get(pk=batch.pk)
    return dict(s.ScanBatchDetailSerializer(batch).data)


@extend_schema(tags=["Intake"])
class ScanBatchViewSet(RegistryViewSet):
    """Scanning batches split into documents before registration (issue 7 item 4)."""

    multipart_actions = frozenset({"create"})
    serializer_class = s.ScanBatchSerializer

    @extend_schema(
        summary="List the agency's scanning batches not turned into items yet",
        responses={200: s.ScanBatchSerializer(many=True), **LIST_ERRORS},
    )
    def list(self, request: Request) -> Response:
        agency_id = self.actor.agency_id
        if agency_id is None:
            return self._page(ScanBatch.objects.none(), s.ScanBatchSerializer)
        found = batches.scan_batch_list(actor=self.actor, agency_id=agency_id)
        return self._page(found.order_by("-id"), s.ScanBatchSerializer)

    @extend_schema(
        summary="Upload a scanning batch; its pages are analysed in the background",
        description="Page images or PDFs holding several documents; limits: "
        "`VANTHU_SCAN_MAX_PAGES`, `VANTHU_SCAN_MAX_FILES`, `VANTHU_SCAN_MAX_TOTAL_MB`.",
        request={"multipart/form-data": s.ScanBatchCreateSerializer},
        responses={201: s.ScanBatchSerializer, **WRITE_ERRORS},
    )
    def create(self, request: Request) -> Response:
        agency_id = self.actor.agency_id
        if agency_id is None or not can_register(self.actor, agency_id):
            raise PermissionDenied(batches.DENIED)
        body = parse_body(s.ScanBatchCreateSerializer, request)
        with api_field_names():
            batch = batches.scan_batch_create(
                actor=self.actor,
                agency_id=agency_id,
                files=[(f.name or "tep", f.read()) for f in body["uploads"]],
            )
        return Response(s.ScanBatchSerializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Get a batch: analysis progress, pages and the proposed or arranged documents",
        responses={200: s.ScanBatchDetailSerializer, **DETAIL_ERRORS},
    )
    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(_detail(batches.scan_batch_get(actor=self.actor, batch_id=pk)))

    @extend_schema(
        summary="Set the batch's final arrangement (documents, page order, rotations)",
        description="Pages not listed are removed from every document (the originals stay).",
        request=s.ScanArrangementSerializer,
        responses={200: s.ScanBatchDetailSerializer, **WRITE_ERRORS},
    )
    def arrange(self, request: Request, pk: int) -> Response:
        batches.scan_batch_get(actor=self.actor, batch_id=pk)
        body = parse_body(s.ScanArrangementSerializer, request)
        arrangement = [
            [(page["page"], page["rotation"]) for page in document]
            for document in body["documents"]
        ]
        batch = batches.scan_batch_arrange(actor=self.actor, batch_id=pk, arrangement=arrangement)
        return Response(_detail(batch))

    @extend_schema(
        summary="Create one intake item (one PDF) per document of the batch",
        request=None,
        responses={201: s.IntakeItemSerializer(many=True), **WRITE_ERRORS},
    )
    def commit(self, request: Request, pk: int) -> Response:
        items = batches.scan_batch_commit(actor=self.actor, batch_id=pk)
        return Response(
            s.IntakeItemSerializer(items, many=True).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Download a page's thumbnail (PNG)",
        responses={
            (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY, description="PNG."),
            **DETAIL_ERRORS,
        },
    )
    def thumbnail(self, request: Request, pk: int, page_id: int) -> FileResponse:
        page = batches.scan_page_get(actor=self.actor, batch_id=pk, page_id=page_id)
        if not page.thumbnail:
            raise NotFound("Trang chưa có ảnh thu nhỏ.")
        return download_response(
            page.thumbnail.open("rb"), filename=f"trang-{page.number}.png", content_type="image/png"
        )

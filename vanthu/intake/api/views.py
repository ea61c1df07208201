"""API of the intake: upload a file, read its state and suggestion, register it (ADR 0009).

Only the agency's clerks see its items; anyone else gets 404 for an item and an empty list.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from vanthu.core.errors import PermissionDenied
from vanthu.intake import selectors, services
from vanthu.intake.api import serializers as s
from vanthu.intake.models import IntakeItem
from vanthu.registry import selectors as registry_selectors
from vanthu.registry.api import serializers as registry_s
from vanthu.registry.api.views import (
    DETAIL_ERRORS,
    LIST_ERRORS,
    WRITE_ERRORS,
    RegistryViewSet,
    _incoming_data,
    api_field_names,
    parse_body,
)
from vanthu.registry.permissions import can_register


class IntakeRegisterSerializer(registry_s.IncomingCreateSerializer):
    """The incoming document's metadata; the file is the intake item's."""

    channel = None  # type: ignore[assignment]
    uploads = None  # type: ignore[assignment]


@extend_schema(tags=["Intake"])
class IntakeItemViewSet(RegistryViewSet):
    """Files uploaded before registration (issue 7 item 2)."""

    multipart_actions = frozenset({"create", "register"})
    serializer_class = s.IntakeItemSerializer

    @extend_schema(
        summary="List the agency's files waiting to be registered",
        responses={200: s.IntakeItemSerializer(many=True), **LIST_ERRORS},
    )
    def list(self, request: Request) -> Response:
        agency_id = self.actor.agency_id
        if agency_id is None:
            return self._page(IntakeItem.objects.none(), s.IntakeItemSerializer)
        items = selectors.intake_item_list(actor=self.actor, agency_id=agency_id)
        return self._page(items.order_by("-id"), s.IntakeItemSerializer)

    @extend_schema(
        summary="Get an intake item: reading state, progress, text and suggested metadata",
        responses={200: s.IntakeItemDetailSerializer, **DETAIL_ERRORS},
    )
    def retrieve(self, request: Request, pk: int) -> Response:
        item = selectors.intake_item_get(actor=self.actor, item_id=pk)
        return Response(s.IntakeItemDetailSerializer(item).data)

    @extend_schema(
        summary="Upload a received or scanned file; its text is read in the background",
        request={"multipart/form-data": s.IntakeItemCreateSerializer},
        responses={201: s.IntakeItemSerializer, **WRITE_ERRORS},
    )
    def create(self, request: Request) -> Response:
        agency_id = self.actor.agency_id
        if agency_id is None or not can_register(self.actor, agency_id):
            raise PermissionDenied(services.DENIED)
        body = parse_body(s.IntakeItemCreateSerializer, request)
        upload = body["upload"]
        with api_field_names():
            item = services.intake_item_create(
                actor=self.actor,
                agency_id=agency_id,
                name=upload.name or "tep",
                data=upload.read(),
                is_scan=body["is_scan"],
            )
        return Response(s.IntakeItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Register the item's file as an incoming document with the confirmed metadata",
        request={"multipart/form-data": IntakeRegisterSerializer},
        responses={201: registry_s.IncomingDocumentSerializer, **WRITE_ERRORS},
    )
    def register(self, request: Request, pk: int) -> Response:
        selectors.intake_item_get(actor=self.actor, item_id=pk)
        body: dict[str, Any] = parse_body(IntakeRegisterSerializer, request)
        with api_field_names():
            document = services.intake_item_register(
                actor=self.actor,
                item_id=pk,
                data=_incoming_data(body),
                confirm_duplicate=body["confirm_duplicate"],
            )
        document = registry_selectors.incoming_get(actor=self.actor, document_id=document.pk)
        return Response(
            registry_s.IncomingDocumentSerializer(document).data, status=status.HTTP_201_CREATED
        )

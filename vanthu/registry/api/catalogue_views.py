"""API endpoints of the registers' catalogue of subject areas (lĩnh vực).

Everyone of an agency reads its subject areas; its clerks and administrators add and change
them (`vanthu.registry.fields`). A subject area is never deleted, only deactivated, because
documents refer to it. The exchange policy table's endpoints are in `views.py`.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from vanthu.core.api import error_responses
from vanthu.core.errors import PermissionDenied
from vanthu.registry import fields, selectors
from vanthu.registry.api import serializers as s
from vanthu.registry.api.views import (
    DETAIL_ERRORS,
    LIST_ERRORS,
    RegistryViewSet,
    parse_body,
    parse_query,
)

FIELD_409 = (
    "The agency already has a subject area of that name, ignoring case and diacritics, or of "
    "that code (`conflict`); `fields.name` or `fields.code` says which."
)
NAME_HELP = (
    "Name, at most 150 characters once normalised (NFC; TCVN3 or VNI text is converted, "
    "ambiguous legacy text refused)."
)
CODE_HELP = "Optional short code, at most 20 characters, unique in the agency."
ACTIVE_HELP = "False deactivates: documents keep it, forms no longer offer it."


class FieldListQuerySerializer(serializers.Serializer[Any]):
    """Which subject areas to list."""

    include_inactive = serializers.BooleanField(
        required=False, default=False, help_text="Also list deactivated subject areas."
    )


class FieldCreateSerializer(serializers.Serializer[Any]):
    """A new subject area of the acting agency."""

    # Lengths are the service's: NFD or TCVN3 input is longer than the text it stands for.
    name = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text=NAME_HELP)
    code = serializers.CharField(
        required=False, allow_blank=True, default="", trim_whitespace=False, help_text=CODE_HELP
    )
    is_active = serializers.BooleanField(required=False, default=True, help_text=ACTIVE_HELP)


class FieldPatchSerializer(serializers.Serializer[Any]):
    """The values of a subject area to change; those left out keep their value."""

    name = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, help_text=NAME_HELP
    )
    code = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, help_text=CODE_HELP
    )
    is_active = serializers.BooleanField(required=False, help_text=ACTIVE_HELP)


@extend_schema_view(
    list=extend_schema(
        summary="List the acting agency's subject areas",
        description="Active ones only unless `include_inactive` is true.",
        parameters=[FieldListQuerySerializer],
        responses={200: s.FieldSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="Get a subject area",
        responses={200: s.FieldSerializer, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        summary="Add a subject area to the acting agency (clerks, agency administrators)",
        request=FieldCreateSerializer,
        responses={
            201: s.FieldSerializer,
            **error_responses(400, 401, 403, 409, s409=FIELD_409),
        },
    ),
    partial_update=extend_schema(
        summary="Rename, recode, deactivate or reactivate a subject area (clerks, admins)",
        description="Deactivating keeps every document's link; subject areas are never deleted.",
        request=FieldPatchSerializer,
        responses={
            200: s.FieldSerializer,
            **error_responses(400, 401, 403, 404, 409, s409=FIELD_409),
        },
    ),
)
@extend_schema(tags=["Registers"])
class FieldViewSet(RegistryViewSet):
    """Subject areas (lĩnh vực) of the acting agency."""

    def list(self, request: Request) -> Response:
        query = parse_query(FieldListQuerySerializer, request)
        items = selectors.field_list(actor=self.actor, include_inactive=query["include_inactive"])
        return self._page(items, s.FieldSerializer)

    def retrieve(self, request: Request, pk: int) -> Response:
        item = fields.field_get(actor=self.actor, field_id=pk)
        return Response(s.FieldSerializer(item).data)

    def create(self, request: Request) -> Response:
        # Refuse before reading the body: a refused caller learns nothing from its errors.
        if not fields.can_edit_fields(self.actor, self.actor.agency_id):
            raise PermissionDenied(
                fields.NO_AGENCY_MESSAGE if self.actor.agency_id is None else fields.DENIED_MESSAGE
            )
        body = parse_body(FieldCreateSerializer, request)
        item = fields.field_create(actor=self.actor, data=fields.FieldData(**body))
        return Response(s.FieldSerializer(item).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: int) -> Response:
        item = fields.field_get(actor=self.actor, field_id=pk)
        if not fields.can_edit_fields(self.actor, item.agency_id):
            raise PermissionDenied(fields.DENIED_MESSAGE)
        body = parse_body(FieldPatchSerializer, request)
        data = fields.FieldData(
            name=body.get("name", item.name),
            code=body.get("code", item.code),
            is_active=body.get("is_active", item.is_active),
        )
        item = fields.field_update(actor=self.actor, field_id=item.pk, data=data)
        return Response(s.FieldSerializer(item).data)

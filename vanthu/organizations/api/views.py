"""API endpoints of agencies, units, positions, people and role grants.

Each endpoint parses its input with a serializer, calls one selector or service with the actor
of the request, and serializes the result. Visibility and permissions are the selectors' and
services' business: another agency's record is 404, a record one may see but not change 403.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from vanthu.core.api import error_responses
from vanthu.core.errors import NotFound
from vanthu.organizations import selectors, services
from vanthu.organizations.api import serializers as s
from vanthu.organizations.api.base import ActorAPIMixin, IdCursorPagination
from vanthu.organizations.models import Agency, Person, Unit
from vanthu.organizations.selectors import NOT_FOUND_MESSAGE

LIST_ERRORS = error_responses(400, 401, 403)
DETAIL_ERRORS = error_responses(401, 403, 404)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409)


def _query(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


def _body(
    serializer_class: type[serializers.Serializer[Any]],
    request: Request,
    *,
    initial: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Validate the request body; for PATCH, absent fields keep their `initial` values."""
    partial = initial is not None and request.method == "PATCH"
    body = serializer_class(data=request.data, partial=partial)
    body.is_valid(raise_exception=True)
    return {**(initial if partial and initial else {}), **body.validated_data}


def _acting_agency(actor_agency_id: int | None, requested: int | None) -> int:
    agency_id = requested if requested is not None else actor_agency_id
    if agency_id is None:
        raise serializers.ValidationError(
            {"agency": ["Chọn cơ quan: bạn không làm việc cho cơ quan nào."]}
        )
    return agency_id


class OrganizationViewSet(ActorAPIMixin, viewsets.GenericViewSet[Any]):
    """Base of the organisation endpoints: integer ids in paths, cursor paging on id."""

    pagination_class = IdCursorPagination
    lookup_value_converter = "int"

    def _page(self, queryset: QuerySet[Any], serializer_class: type[Any]) -> Response:
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(serializer_class(page, many=True).data)


# --- Agencies -------------------------------------------------------------------------------


def _agency_values(agency: Agency) -> dict[str, Any]:
    return {
        "identifier": agency.identifier,
        "name": agency.name,
        "short_name": agency.short_name,
        "kind": agency.kind,
        "parent_identifier": agency.parent.identifier if agency.parent else "",
        "qd20_code": agency.qd20_code,
        "address": agency.address,
        "email": agency.email,
        "phone": agency.phone,
        "website": agency.website,
        "is_hosted": agency.is_hosted,
    }


@extend_schema_view(
    list=extend_schema(
        summary="List the agency directory",
        description="Every signed-in person sees the whole directory (needed to address "
        "documents); inactive agencies only by system administrators.",
        parameters=[s.AgencyListQuerySerializer],
        responses={200: s.AgencySerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="Get an agency",
        responses={200: s.AgencySerializer, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        summary="Add an agency to the directory (system administrators)",
        request=s.AgencyInputSerializer,
        responses={201: s.AgencySerializer, **WRITE_ERRORS},
    ),
    update=extend_schema(
        summary="Replace an agency's details (system administrators)",
        request=s.AgencyInputSerializer,
        responses={200: s.AgencySerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change some of an agency's details (system administrators)",
        request=s.AgencyInputSerializer,
        responses={200: s.AgencySerializer, **WRITE_ERRORS},
    ),
)
@extend_schema(tags=["Agencies"])
class AgencyViewSet(OrganizationViewSet):
    """The agency directory (shared reference data)."""

    def list(self, request: Request) -> Response:
        query = _query(s.AgencyListQuerySerializer, request)
        agencies = selectors.agency_list(
            actor=self.actor, search=query["search"], hosted_only=query["hosted"]
        )
        return self._page(agencies, s.AgencySerializer)

    def retrieve(self, request: Request, pk: int) -> Response:
        agency = selectors.agency_get(actor=self.actor, agency_id=pk)
        return Response(s.AgencySerializer(agency).data)

    def create(self, request: Request) -> Response:
        data = services.AgencyData(**_body(s.AgencyInputSerializer, request))
        agency = services.agency_create(actor=self.actor, data=data)
        return Response(s.AgencySerializer(agency).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, pk: int) -> Response:
        current = selectors.agency_get(actor=self.actor, agency_id=pk)
        values = _body(s.AgencyInputSerializer, request, initial=_agency_values(current))
        agency = services.agency_update(
            actor=self.actor, agency_id=pk, data=services.AgencyData(**values)
        )
        return Response(s.AgencySerializer(agency).data)

    def partial_update(self, request: Request, pk: int) -> Response:
        return self.update(request, pk)


# --- Units ----------------------------------------------------------------------------------


def _unit_values(unit: Unit) -> dict[str, Any]:
    return {
        "name": unit.name,
        "short_name": unit.short_name,
        "parent": unit.parent_id,
        "is_active": unit.is_active,
    }


@extend_schema_view(
    list=extend_schema(
        summary="List units",
        description="Units of the acting agency, or of `agency` among those the caller may see "
        "(another agency's units are simply absent).",
        parameters=[s.UnitListQuerySerializer],
        responses={200: s.UnitSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="Get a unit", responses={200: s.UnitSerializer, **DETAIL_ERRORS}
    ),
    create=extend_schema(
        summary="Create a unit (agency administrators)",
        request=s.UnitCreateSerializer,
        responses={201: s.UnitSerializer, **WRITE_ERRORS},
    ),
    update=extend_schema(
        summary="Replace a unit's name, notation, parent and activity (agency administrators)",
        request=s.UnitUpdateSerializer,
        responses={200: s.UnitSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change some of a unit's fields (agency administrators)",
        request=s.UnitUpdateSerializer,
        responses={200: s.UnitSerializer, **WRITE_ERRORS},
    ),
)
@extend_schema(tags=["Units"])
class UnitViewSet(OrganizationViewSet):
    """Units (phòng, ban) inside agencies."""

    def list(self, request: Request) -> Response:
        query = _query(s.UnitListQuerySerializer, request)
        units = selectors.unit_list(
            actor=self.actor,
            agency_id=query.get("agency", self.actor.agency_id),
            include_inactive=query["include_inactive"],
        )
        return self._page(units, s.UnitSerializer)

    def retrieve(self, request: Request, pk: int) -> Response:
        unit = selectors.unit_get(actor=self.actor, unit_id=pk)
        return Response(s.UnitSerializer(unit).data)

    def create(self, request: Request) -> Response:
        body = _body(s.UnitCreateSerializer, request)
        unit = services.unit_create(
            actor=self.actor,
            agency_id=_acting_agency(self.actor.agency_id, body["agency"]),
            name=body["name"],
            short_name=body["short_name"],
            parent_id=body["parent"],
        )
        return Response(s.UnitSerializer(unit).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, pk: int) -> Response:
        current = selectors.unit_get(actor=self.actor, unit_id=pk)
        body = _body(s.UnitUpdateSerializer, request, initial=_unit_values(current))
        unit = services.unit_update(
            actor=self.actor,
            unit_id=pk,
            name=body["name"],
            short_name=body["short_name"],
            parent_id=body["parent"],
            is_active=body["is_active"],
        )
        return Response(s.UnitSerializer(unit).data)

    def partial_update(self, request: Request, pk: int) -> Response:
        return self.update(request, pk)


# --- Positions ------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List positions",
        description="Positions of the acting agency, or of `agency` among those the caller may "
        "see.",
        parameters=[s.AgencyScopedQuerySerializer],
        responses={200: s.PositionSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="Get a position", responses={200: s.PositionSerializer, **DETAIL_ERRORS}
    ),
    create=extend_schema(
        summary="Add a position to an agency (agency administrators)",
        request=s.PositionCreateSerializer,
        responses={201: s.PositionSerializer, **WRITE_ERRORS},
    ),
)
@extend_schema(tags=["Positions"])
class PositionViewSet(OrganizationViewSet):
    """Positions (chức vụ) of agencies."""

    def list(self, request: Request) -> Response:
        query = _query(s.AgencyScopedQuerySerializer, request)
        positions = selectors.position_list(
            actor=self.actor, agency_id=query.get("agency", self.actor.agency_id)
        )
        return self._page(positions, s.PositionSerializer)

    def retrieve(self, request: Request, pk: int) -> Response:
        position = selectors.position_get(actor=self.actor, position_id=pk)
        return Response(s.PositionSerializer(position).data)

    def create(self, request: Request) -> Response:
        body = _body(s.PositionCreateSerializer, request)
        position = services.position_create(
            actor=self.actor,
            agency_id=_acting_agency(self.actor.agency_id, body["agency"]),
            name=body["name"],
            rank=body["rank"],
        )
        return Response(s.PositionSerializer(position).data, status=status.HTTP_201_CREATED)


# --- People ---------------------------------------------------------------------------------


def _person_values(person: Person) -> dict[str, Any]:
    return {
        "full_name": person.full_name,
        "email": person.email,
        "phone": person.phone,
        "is_active": person.is_active,
    }


def _grant_data(body: dict[str, Any]) -> services.GrantData:
    return services.GrantData(role=body["role"], unit_id=body["unit"], position_id=body["position"])


@extend_schema_view(
    list=extend_schema(
        summary="List staff",
        description="People of the acting agency, or of `agency` among those the caller may "
        "see, with their role grants.",
        parameters=[s.PersonListQuerySerializer],
        responses={200: s.PersonSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="Get a person with their role grants",
        responses={200: s.PersonSerializer, **DETAIL_ERRORS},
    ),
    create=extend_schema(
        summary="Create a staff account with its roles (agency administrators)",
        request=s.PersonCreateSerializer,
        responses={201: s.PersonSerializer, **WRITE_ERRORS},
    ),
    update=extend_schema(
        summary="Replace a person's name, contacts and activity (agency administrators)",
        request=s.PersonUpdateSerializer,
        responses={200: s.PersonSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change some of a person's fields (agency administrators)",
        request=s.PersonUpdateSerializer,
        responses={200: s.PersonSerializer, **WRITE_ERRORS},
    ),
    set_password=extend_schema(
        summary="Reset a person's password (agency administrators)",
        request=s.PasswordSerializer,
        responses={204: OpenApiResponse(description="Password changed."), **WRITE_ERRORS},
    ),
)
@extend_schema(tags=["People"])
class PersonViewSet(OrganizationViewSet):
    """Staff accounts of agencies."""

    def list(self, request: Request) -> Response:
        query = _query(s.PersonListQuerySerializer, request)
        people = selectors.person_list(
            actor=self.actor,
            agency_id=query.get("agency", self.actor.agency_id),
            unit_id=query.get("unit"),
            role=query.get("role", ""),
            search=query["search"],
            include_inactive=query["include_inactive"],
        )
        return self._page(people, s.PersonSerializer)

    def retrieve(self, request: Request, pk: int) -> Response:
        person = selectors.person_get(actor=self.actor, person_id=pk)
        return Response(s.PersonSerializer(person).data)

    def create(self, request: Request) -> Response:
        body = _body(s.PersonCreateSerializer, request)
        person = services.person_create(
            actor=self.actor,
            agency_id=_acting_agency(self.actor.agency_id, body["agency"]),
            username=body["username"],
            full_name=body["full_name"],
            password=body["password"],
            email=body["email"],
            phone=body["phone"],
            grants=[_grant_data(grant) for grant in body["grants"]],
        )
        person = selectors.person_get(actor=self.actor, person_id=person.pk)
        return Response(s.PersonSerializer(person).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, pk: int) -> Response:
        current = selectors.person_get(actor=self.actor, person_id=pk)
        body = _body(s.PersonUpdateSerializer, request, initial=_person_values(current))
        services.person_update(actor=self.actor, person_id=pk, **body)
        person = selectors.person_get(actor=self.actor, person_id=pk)
        return Response(s.PersonSerializer(person).data)

    def partial_update(self, request: Request, pk: int) -> Response:
        return self.update(request, pk)

    @action(detail=True, methods=["post"], url_path="set-password")
    def set_password(self, request: Request, pk: int) -> Response:
        body = _body(s.PasswordSerializer, request)
        services.person_set_password(actor=self.actor, person_id=pk, password=body["password"])
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Role grants ----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List role grants",
        description="Grants in the agencies the caller may see, optionally of one person.",
        parameters=[s.RoleGrantListQuerySerializer],
        responses={200: s.RoleGrantSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="Get a role grant", responses={200: s.RoleGrantSerializer, **DETAIL_ERRORS}
    ),
    create=extend_schema(
        summary="Give a person a role (agency administrators)",
        request=s.RoleGrantCreateSerializer,
        responses={201: s.RoleGrantSerializer, **WRITE_ERRORS},
    ),
    destroy=extend_schema(
        summary="Take a role away from a person (agency administrators)",
        responses={204: OpenApiResponse(description="Role removed."), **WRITE_ERRORS},
    ),
)
@extend_schema(tags=["Role grants"])
class RoleGrantViewSet(OrganizationViewSet):
    """The roles people hold, agency-wide or in one unit."""

    def list(self, request: Request) -> Response:
        query = _query(s.RoleGrantListQuerySerializer, request)
        grants = selectors.role_grant_list(actor=self.actor, person_id=query.get("person"))
        return self._page(grants, s.RoleGrantSerializer)

    def retrieve(self, request: Request, pk: int) -> Response:
        grant = selectors.role_grant_list(actor=self.actor).filter(pk=pk).first()
        if grant is None:
            raise NotFound(NOT_FOUND_MESSAGE)
        return Response(s.RoleGrantSerializer(grant).data)

    def create(self, request: Request) -> Response:
        body = _body(s.RoleGrantCreateSerializer, request)
        grant = services.role_grant_add(
            actor=self.actor,
            person_id=body["person"],
            grant=_grant_data(body),
            agency_id=body["agency"],
        )
        return Response(s.RoleGrantSerializer(grant).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, pk: int) -> Response:
        services.role_grant_remove(actor=self.actor, grant_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

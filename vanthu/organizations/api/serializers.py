"""Serializers of the organisations API: shapes and types only; the rules live in services.

References to other records are plain integer ids, never `PrimaryKeyRelatedField`: a lookup in
the serializer would answer "does not exist" for another agency's record, where the service
answers "not found" without saying whether it exists.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from vanthu.organizations.choices import AgencyKind, Role
from vanthu.organizations.models import Agency, Person, Position, RoleGrant, Unit


class OptionalIdField(serializers.IntegerField):
    """An optional reference by id; null or absent means "none"."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("default", None)
        super().__init__(min_value=1, **kwargs)


# --- Agencies -------------------------------------------------------------------------------


class AgencySerializer(serializers.ModelSerializer[Agency]):
    """An agency of the directory."""

    parent_identifier = serializers.SerializerMethodField(
        help_text="Identifier of the parent agency, empty at the top."
    )

    class Meta:
        model = Agency
        fields = [
            "id",
            "identifier",
            "qd20_code",
            "parent",
            "parent_identifier",
            "name",
            "short_name",
            "kind",
            "address",
            "email",
            "phone",
            "website",
            "is_hosted",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_parent_identifier(self, agency: Agency) -> str:
        return agency.parent.identifier if agency.parent else ""


class AgencyInputSerializer(serializers.Serializer[Any]):
    """The editable fields of an agency (`services.AgencyData`)."""

    identifier = serializers.CharField(help_text="QCVN 102:2016 identifier, e.g. 000.00.12.H34.")
    name = serializers.CharField()
    short_name = serializers.CharField()
    kind = serializers.ChoiceField(choices=AgencyKind.choices, default=AgencyKind.OTHER)
    parent_identifier = serializers.CharField(required=False, allow_blank=True, default="")
    qd20_code = serializers.CharField(required=False, allow_blank=True, default="")
    address = serializers.CharField(required=False, allow_blank=True, default="")
    email = serializers.CharField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, default="")
    website = serializers.CharField(required=False, allow_blank=True, default="")
    is_hosted = serializers.BooleanField(default=True)


class AgencyListQuerySerializer(serializers.Serializer[Any]):
    """Filters of the agency directory."""

    search = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Part of the name, short name or identifier.",
    )
    hosted = serializers.BooleanField(
        required=False, default=False, help_text="Only agencies hosted on this platform."
    )


# --- Units and positions --------------------------------------------------------------------


class UnitSerializer(serializers.ModelSerializer[Unit]):
    """A unit inside an agency."""

    class Meta:
        model = Unit
        fields = [
            "id",
            "agency",
            "parent",
            "name",
            "short_name",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class UnitCreateSerializer(serializers.Serializer[Any]):
    """A new unit; `agency` defaults to the caller's acting agency."""

    agency = OptionalIdField(help_text="Agency id; default: the acting agency.")
    name = serializers.CharField()
    short_name = serializers.CharField(required=False, allow_blank=True, default="")
    # DRF's metaclass removes declared fields from the class, so `parent` (a Field attribute
    # too) is safe here; it is the field's name in the API.
    parent = OptionalIdField(help_text="Parent unit id, in the same agency.")  # type: ignore[assignment]


class UnitUpdateSerializer(serializers.Serializer[Any]):
    """The editable fields of a unit."""

    name = serializers.CharField()
    short_name = serializers.CharField(required=False, allow_blank=True, default="")
    # DRF's metaclass removes declared fields from the class, so `parent` (a Field attribute
    # too) is safe here; it is the field's name in the API.
    parent = OptionalIdField(help_text="Parent unit id, in the same agency.")  # type: ignore[assignment]
    is_active = serializers.BooleanField(default=True)


class AgencyScopedQuerySerializer(serializers.Serializer[Any]):
    """Which agency's records to list: default the acting agency."""

    agency = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Agency id, among those the caller may see; default: the acting agency.",
    )


class UnitListQuerySerializer(AgencyScopedQuerySerializer):
    """Filters of the unit list."""

    include_inactive = serializers.BooleanField(required=False, default=False)


class PositionSerializer(serializers.ModelSerializer[Position]):
    """A position (chức vụ) of an agency."""

    class Meta:
        model = Position
        fields = ["id", "agency", "name", "rank", "created_at", "updated_at"]
        read_only_fields = fields


class PositionCreateSerializer(serializers.Serializer[Any]):
    """A new position; `agency` defaults to the caller's acting agency."""

    agency = OptionalIdField(help_text="Agency id; default: the acting agency.")
    name = serializers.CharField()
    rank = serializers.IntegerField(default=100, help_text="0 (highest) to 1000.")


# --- People and role grants -----------------------------------------------------------------


class RoleGrantSerializer(serializers.ModelSerializer[RoleGrant]):
    """A role held by a person in an agency, agency-wide (`unit` null) or in one unit."""

    class Meta:
        model = RoleGrant
        fields = ["id", "person", "agency", "unit", "role", "position", "created_at"]
        read_only_fields = fields


class GrantInputSerializer(serializers.Serializer[Any]):
    """A role to give, agency-wide when `unit` is null (`services.GrantData`)."""

    role = serializers.ChoiceField(choices=Role.choices)
    unit = OptionalIdField(help_text="Unit id in the person's agency; null: agency-wide.")
    position = OptionalIdField(help_text="Position id in the person's agency.")


class RoleGrantCreateSerializer(GrantInputSerializer):
    """A role to give to a person."""

    person = serializers.IntegerField(min_value=1, help_text="Person id.")
    agency = OptionalIdField(
        help_text="Agency of the role; default the person's own (others: system admins only)."
    )


class RoleGrantListQuerySerializer(serializers.Serializer[Any]):
    """Filters of the role-grant list."""

    person = serializers.IntegerField(required=False, min_value=1, help_text="Person id.")


class PersonSerializer(serializers.ModelSerializer[Person]):
    """A staff member with the roles they hold."""

    grants = RoleGrantSerializer(many=True, read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "username",
            "full_name",
            "email",
            "phone",
            "agency",
            "is_active",
            "date_joined",
            "last_login",
            "grants",
        ]
        read_only_fields = fields


class PersonCreateSerializer(serializers.Serializer[Any]):
    """A new staff account with its initial password and roles."""

    agency = OptionalIdField(help_text="Agency id; default: the acting agency.")
    username = serializers.CharField()
    full_name = serializers.CharField()
    password = serializers.CharField(
        write_only=True, trim_whitespace=False, style={"input_type": "password"}
    )
    email = serializers.CharField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, default="")
    grants = GrantInputSerializer(many=True, required=False, default=list)


class PersonUpdateSerializer(serializers.Serializer[Any]):
    """The editable fields of a person."""

    full_name = serializers.CharField()
    email = serializers.CharField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, default="")
    is_active = serializers.BooleanField(default=True)


class PersonListQuerySerializer(AgencyScopedQuerySerializer):
    """Filters of the staff list."""

    search = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Part of the name, username or e-mail.",
    )
    unit = serializers.IntegerField(
        required=False, min_value=1, help_text="Only people with a role in this unit."
    )
    role = serializers.ChoiceField(
        choices=Role.choices, required=False, help_text="Only people holding this role."
    )
    include_inactive = serializers.BooleanField(required=False, default=False)


class PasswordSerializer(serializers.Serializer[Any]):
    """A new password, set by an administrator."""

    password = serializers.CharField(
        write_only=True, trim_whitespace=False, style={"input_type": "password"}
    )


# --- The caller and tokens ------------------------------------------------------------------


class ActingAgencySerializer(serializers.ModelSerializer[Agency]):
    """The agency the caller acts for."""

    class Meta:
        model = Agency
        fields = ["id", "identifier", "name", "short_name"]
        read_only_fields = fields


class MeSerializer(serializers.Serializer[Any]):
    """The caller: who they are, the agency they act for, their roles there and everywhere."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    email = serializers.CharField()
    agency = serializers.IntegerField(allow_null=True, help_text="The person's own agency.")
    acting_agency = ActingAgencySerializer(allow_null=True)
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices),
        help_text="Roles held in the acting agency.",
    )
    is_system_admin = serializers.BooleanField()
    grants = RoleGrantSerializer(many=True)


class TokenObtainSerializer(serializers.Serializer[Any]):
    """Credentials exchanged for an API token."""

    username = serializers.CharField()
    password = serializers.CharField(
        write_only=True, trim_whitespace=False, style={"input_type": "password"}
    )
    otp_token = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Current TOTP code; required of administrators and of anyone enrolled.",
    )


class TokenSerializer(serializers.Serializer[Any]):
    """An API token: send it as `Authorization: Token <token>`."""

    token = serializers.CharField()

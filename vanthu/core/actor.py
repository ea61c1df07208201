"""The Actor: who performs a service call, for which agency, with which roles, from where."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Grant:
    """One role held by a person, in an agency, optionally limited to one unit."""

    role: str
    agency_id: int
    unit_id: int | None = None


@dataclass(frozen=True, slots=True)
class Actor:
    """Everything a service needs to know about the caller; built once per request or command."""

    person_id: int | None
    name: str
    agency_id: int | None
    grants: frozenset[Grant] = field(default_factory=frozenset)
    is_system_admin: bool = False
    ip_address: str | None = None

    @classmethod
    def system(cls, name: str = "Hệ thống") -> Actor:
        """Return the actor used by commands and tasks that act for the system itself."""
        return cls(person_id=None, name=name, agency_id=None, is_system_admin=True)

    @property
    def is_authenticated(self) -> bool:
        return self.person_id is not None or self.is_system_admin

    def roles_in(self, agency_id: int | None) -> frozenset[str]:
        """Return the roles held in one agency, whatever the unit."""
        return frozenset(g.role for g in self.grants if g.agency_id == agency_id)

    def has_role(
        self, role: str, *, agency_id: int | None = None, unit_id: int | None = None
    ) -> bool:
        """Return whether the actor holds `role` in the agency (default: the acting agency)."""
        agency = self.agency_id if agency_id is None else agency_id
        return any(
            g.role == role and g.agency_id == agency and (unit_id is None or g.unit_id == unit_id)
            for g in self.grants
        )

    @property
    def agency_ids(self) -> frozenset[int]:
        """Return every agency in which the actor holds a role."""
        return frozenset(g.agency_id for g in self.grants)

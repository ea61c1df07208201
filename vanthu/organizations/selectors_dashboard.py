"""Reads behind the dashboard cards, each scoped to what the actor may see.

Only facts the foundation holds are shown: staff, roles, the second factor, the journal. No
figure is estimated or invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from vanthu.core.actor import Actor
from vanthu.core.errors import NotFound
from vanthu.core.models import JournalEntry
from vanthu.organizations import permissions
from vanthu.organizations.choices import Role
from vanthu.organizations.journal_labels import action_label
from vanthu.organizations.models import Agency, Person, RoleGrant, Unit
from vanthu.organizations.selectors import NOT_FOUND_MESSAGE

SIGN_IN_ACTIONS = ("auth.login", "auth.login_failed", "auth.lockout", "auth.otp_failed")
FAILURE_ACTIONS = ("auth.login_failed", "auth.lockout", "auth.otp_failed")
# Routine sign-ins and sign-outs would crowd out the changes an administrator looks for.
ROUTINE_ACTIONS = ("auth.login", "auth.logout")
VERIFY_ACTION = "journal.verify"
LIST_LIMIT = 8

# Pages where a journal row's object can be opened, tried in order (modules may be absent).
_OBJECT_URLS: dict[str, tuple[str, ...]] = {
    "organizations.person": ("staff:person_journal", "staff:person_detail"),
    "organizations.unit": ("staff:unit_journal", "staff:unit_detail"),
}


@dataclass(frozen=True, slots=True)
class JournalRow:
    """One journal row as a dashboard lists it."""

    at: datetime
    action: str
    label: str
    actor_name: str
    object_repr: str
    ip_address: str | None
    url: str | None
    is_failure: bool


@dataclass(frozen=True, slots=True)
class GrantRow:
    """One role the person holds, where, and in which position."""

    role: str
    role_label: str
    agency_name: str
    unit_name: str
    position_name: str


@dataclass(frozen=True, slots=True)
class PersonalSummary:
    """What every signed-in person sees about themselves."""

    grants: list[GrantRow]
    has_second_factor: bool
    sign_ins: list[JournalRow]


@dataclass(frozen=True, slots=True)
class PersonRow:
    """A person named on a card, with their page when the staff pages are installed."""

    full_name: str
    username: str
    url: str | None


@dataclass(frozen=True, slots=True)
class PeopleSample:
    """A count and the first few people behind it."""

    count: int
    people: list[PersonRow] = field(default_factory=list)

    @property
    def more(self) -> int:
        """Return how many people are counted but not listed."""
        return self.count - len(self.people)


@dataclass(frozen=True, slots=True)
class AgencyAdminSummary:
    """The state of one agency's staff records, for its administrator."""

    agency: Agency
    unit_count: int
    staff_count: int
    without_role: PeopleSample
    without_email: PeopleSample
    admins_without_second_factor: PeopleSample
    recent: list[JournalRow]


@dataclass(frozen=True, slots=True)
class JournalVerificationRow:
    """The last check of the journal chains: when, by whom, what it found."""

    at: datetime
    actor_name: str
    problem_count: int
    chain_count: int


@dataclass(frozen=True, slots=True)
class SystemAdminSummary:
    """The state of the installation, for a system administrator."""

    hosted_agency_count: int
    directory_agency_count: int
    people_count: int
    last_verification: JournalVerificationRow | None
    recent_failures: list[JournalRow]


def _first_url(names: tuple[str, ...], object_id: str | int) -> str | None:
    for name in names:
        try:
            return reverse(name, args=[object_id])
        except NoReverseMatch:
            continue
    return None


def _object_url(entry: JournalEntry) -> str | None:
    if not entry.object_id:
        return None
    return _first_url(_OBJECT_URLS.get(entry.object_type, ()), entry.object_id)


def _rows(entries: QuerySet[JournalEntry], *, links: bool) -> list[JournalRow]:
    return [
        JournalRow(
            at=e.created_at,
            action=e.action,
            label=action_label(e.action),
            actor_name=e.actor_name,
            object_repr=e.object_repr,
            ip_address=e.ip_address,
            url=_object_url(e) if links else None,
            is_failure=e.action in FAILURE_ACTIONS,
        )
        for e in entries
    ]


def _sample(qs: QuerySet[Person]) -> PeopleSample:
    people = [
        PersonRow(
            full_name=p.full_name,
            username=p.username,
            url=_first_url(("staff:person_detail",), p.pk),
        )
        for p in qs.order_by("full_name", "id")[:LIST_LIMIT]
    ]
    return PeopleSample(count=qs.count(), people=people)


def personal_summary(*, actor: Actor, person: Person) -> PersonalSummary:
    """Return the actor's own roles, second-factor status and recent sign-ins."""
    if actor.person_id != person.pk:
        raise NotFound(NOT_FOUND_MESSAGE)
    grants = RoleGrant.objects.filter(person=person, agency__is_active=True).select_related(
        "agency", "unit", "position"
    )
    rows = [
        GrantRow(
            role=g.role,
            role_label=g.get_role_display(),
            agency_name=g.agency.name,
            unit_name=g.unit.name if g.unit else "",
            position_name=g.position.name if g.position else "",
        )
        for g in grants.order_by("agency__name", "role", "unit__name")
    ]
    sign_ins = JournalEntry.objects.filter(
        object_type="organizations.person", object_id=str(person.pk), action__in=SIGN_IN_ACTIONS
    ).order_by("-created_at", "-id")[:LIST_LIMIT]
    return PersonalSummary(
        grants=rows,
        has_second_factor=TOTPDevice.objects.filter(user=person, confirmed=True).exists(),
        sign_ins=_rows(sign_ins, links=False),
    )


def agency_admin_summary(*, actor: Actor, agency_id: int) -> AgencyAdminSummary:
    """Return counts and gaps in one agency's staff records and its recent journal."""
    if not permissions.can_manage_agency(actor, agency_id):
        raise NotFound(NOT_FOUND_MESSAGE)
    agency = Agency.objects.get(pk=agency_id)
    staff = Person.objects.filter(agency_id=agency_id, is_active=True)
    with_device = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    admins = staff.filter(grants__agency_id=agency_id, grants__role=Role.AGENCY_ADMIN).distinct()
    recent = (
        JournalEntry.objects.filter(agency_id=agency_id)
        .exclude(action__in=ROUTINE_ACTIONS)
        .order_by("-created_at", "-id")[:LIST_LIMIT]
    )
    return AgencyAdminSummary(
        agency=agency,
        unit_count=Unit.objects.filter(agency_id=agency_id, is_active=True).count(),
        staff_count=staff.count(),
        without_role=_sample(staff.filter(~Q(grants__agency_id=agency_id))),
        without_email=_sample(staff.filter(email="")),
        admins_without_second_factor=_sample(admins.filter(~Exists(with_device))),
        recent=_rows(recent, links=True),
    )


def system_admin_summary(*, actor: Actor) -> SystemAdminSummary:
    """Return the size of the installation, the last journal check and recent sign-in failures."""
    if not actor.is_system_admin:
        raise NotFound(NOT_FOUND_MESSAGE)
    last = JournalEntry.objects.filter(action=VERIFY_ACTION).order_by("-created_at", "-id").first()
    verification = None
    if last is not None:
        result = last.after or {}
        verification = JournalVerificationRow(
            at=last.created_at,
            actor_name=last.actor_name,
            problem_count=int(result.get("problem_count", 0)),
            chain_count=int(result.get("chain_count", 0)),
        )
    failures = JournalEntry.objects.filter(action__in=FAILURE_ACTIONS).order_by(
        "-created_at", "-id"
    )[:LIST_LIMIT]
    return SystemAdminSummary(
        hosted_agency_count=Agency.objects.filter(is_hosted=True, is_active=True).count(),
        directory_agency_count=Agency.objects.filter(is_active=True).count(),
        people_count=Person.objects.filter(is_active=True).count(),
        last_verification=verification,
        recent_failures=_rows(failures, links=False),
    )


def switchable_agencies(*, actor: Actor) -> list[Agency]:
    """Return the active agencies where the actor holds a role (those they may act for)."""
    return list(Agency.objects.filter(pk__in=actor.agency_ids, is_active=True).order_by("name"))

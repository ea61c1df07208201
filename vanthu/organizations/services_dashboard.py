"""Writes started from the dashboard: choose the acting agency, verify the journal chains."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from vanthu.core.actor import Actor
from vanthu.core.errors import NotFound, ValidationFailed
from vanthu.core.journal import JournalProblem, journal_record, journal_verify
from vanthu.core.models import JournalChain
from vanthu.organizations.models import Agency, Person
from vanthu.organizations.selectors import NOT_FOUND_MESSAGE
from vanthu.organizations.selectors_dashboard import VERIFY_ACTION
from vanthu.organizations.services import auth_event_record

# Problems kept in the journal row of a verification; the full list is shown on screen.
RECORDED_PROBLEMS = 50


@dataclass(frozen=True, slots=True)
class JournalVerification:
    """The outcome of checking every journal chain."""

    chain_count: int
    problems: list[JournalProblem]


def acting_agency_switch(*, actor: Actor, person: Person, agency_id: int) -> Agency:
    """Check that the person may act for `agency_id` and journal the switch."""
    if actor.person_id != person.pk:
        raise NotFound(NOT_FOUND_MESSAGE)
    agency = Agency.objects.filter(pk=agency_id, is_active=True).first()
    if agency is None or agency_id not in actor.agency_ids:
        # Only agencies where the person holds a role; any other is "not found".
        raise ValidationFailed(
            "Bạn không có vai trò ở cơ quan này.",
            fields={"agency_id": ["Bạn không có vai trò ở cơ quan này."]},
        )
    auth_event_record(
        actor=actor,
        action="auth.agency_switch",
        username=person.username,
        person=person,
        detail={"from_agency_id": actor.agency_id, "to_agency_id": agency_id},
    )
    return agency


def journal_verification_run(*, actor: Actor) -> JournalVerification:
    """Check every journal chain end to end and journal the outcome (system administrators)."""
    if not actor.is_system_admin:
        raise NotFound(NOT_FOUND_MESSAGE)
    problems = journal_verify()
    chain_count = JournalChain.objects.count()
    with transaction.atomic():
        journal_record(
            # The check concerns every agency: it goes to the system chain, whatever agency
            # the administrator is acting for.
            actor=Actor(
                person_id=actor.person_id,
                name=actor.name,
                agency_id=None,
                grants=actor.grants,
                is_system_admin=actor.is_system_admin,
                ip_address=actor.ip_address,
            ),
            action=VERIFY_ACTION,
            object_type="core.journalchain",
            object_repr="Toàn bộ chuỗi nhật ký",
            agency_id=None,
            after={
                "chain_count": chain_count,
                "problem_count": len(problems),
                "problems": [
                    {"chain": p.chain, "seq": p.seq, "message": p.message}
                    for p in problems[:RECORDED_PROBLEMS]
                ],
            },
        )
    return JournalVerification(chain_count=chain_count, problems=problems)

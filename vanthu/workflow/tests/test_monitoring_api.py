"""The monitoring API: figures and lists, structured errors, and isolation over the personas."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from vanthu.core.models import JournalEntry
from vanthu.organizations.models import Person
from vanthu.organizations.tests.test_api_isolation import _routes
from vanthu.workflow import api_urls
from vanthu.workflow.choices import AssignmentState
from vanthu.workflow.tests.factories import AssignmentFactory

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 9, 3, 9, 0, tzinfo=HCM)
SUMMARY = "monitoring-list"
DOCUMENTS = "monitoring-documents"


def _api(person=None) -> APIClient:
    client = APIClient()
    if person is not None:
        token, _ = Token.objects.get_or_create(user=person)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _url(name: str) -> str:
    return reverse(f"workflow-api:{name}")


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=HCM)


def _work(cast, **fields):
    values = {
        "agency": cast.agency_a,
        "assignee": cast.specialist,
        "assigned_by": cast.unit_head,
        "assigned_at": _at(date(2026, 9, 1)),
        "state": AssignmentState.IN_PROGRESS,
    }
    values.update(fields)
    return AssignmentFactory(**values)


@time_machine.travel(NOW, tick=False)
def test_the_summary_gives_the_figures_and_the_breakdown(cast):
    # given the unit's overdue work, and the specialist's work done late and on time
    _work(cast, assignee=None, assignee_unit=cast.unit_a, due_date=date(2026, 8, 28))
    _work(
        cast,
        state=AssignmentState.DONE,
        assigned_at=_at(date(2026, 8, 27)),
        due_date=date(2026, 8, 27),
        completed_at=_at(date(2026, 9, 3)),
    )
    _work(
        cast,
        state=AssignmentState.DONE,
        assigned_at=_at(date(2026, 9, 3), 7),
        due_date=date(2026, 9, 4),
        completed_at=_at(date(2026, 9, 3)),
    )
    # when the leader asks for the agency's figures of September
    response = _api(cast.leader).get(
        _url(SUMMARY), {"scope": "agency", "date_from": "2026-09-01", "date_to": "2026-09-30"}
    )
    # then the figures follow the calendar (27/8 → 3/9: 28/8 and 3/9 are the working days)
    assert response.status_code == 200
    body = response.json()
    assert body["scope"] == "agency"
    assert body["agency"] == {"id": cast.agency_a.pk, "name": cast.agency_a.name}
    assert (body["today"], body["due_soon_working_days"]) == ("2026-09-03", 1)
    assert body["figures"] == {
        "assigned": 2,
        "in_progress": 1,
        "due_soon": 0,
        "overdue": 1,
        "done_on_time": 1,
        "done_late": 1,
        "average_handling_days": 1.0,
    }
    lines = {row["id"]: row for row in body["breakdown"]}
    assert lines[cast.unit_a.pk]["kind"] == "unit"
    assert lines[cast.unit_a.pk]["figures"]["overdue"] == 1
    assert lines[cast.office_a.pk]["figures"]["overdue"] == 0


@time_machine.travel(NOW, tick=False)
def test_the_documents_come_in_keyset_pages(cast):
    # given three overdue documents of the specialist
    rows = [_work(cast, due_date=date(2026, 8, 10 + k)) for k in range(3)]
    client = _api(cast.specialist)
    query = {"scope": "person", "group": "overdue", "page_size": 2}
    # when the first page is read
    first = client.get(_url(DOCUMENTS), query).json()
    # then it has the two oldest due dates, with the document and how late they are
    assert [r["id"] for r in first["results"]] == [rows[0].pk, rows[1].pk]
    assert first["results"][0]["incoming"]["id"] == rows[0].incoming_id
    assert first["results"][0]["assignee_name"] == cast.specialist.full_name
    # (Monday 10/8 to Thursday 3/9: 11-14/8, 17-21/8, Saturday 22/8, 24-28/8 and 3/9)
    assert first["results"][0]["days_late"] == 16
    # when the next page is read, then it has the third and no further cursor
    second = client.get(_url(DOCUMENTS), {**query, "after": first["next_cursor"]}).json()
    assert [r["id"] for r in second["results"]] == [rows[2].pk]
    assert second["next_cursor"] is None


@pytest.mark.parametrize(
    ("route", "query", "field"),
    [
        (SUMMARY, {"scope": "everyone"}, "scope"),
        (SUMMARY, {"unit": "abc"}, "unit"),
        (SUMMARY, {"person": str(2**64)}, "person"),
        (SUMMARY, {"date_from": "03/09/2026"}, "date_from"),
        (SUMMARY, {"date_from": "2026-09-10", "date_to": "2026-09-01"}, "date_to"),
        (SUMMARY, {"date_to": "9999-12-31"}, "date_to"),
        (SUMMARY, {"scope": "unit"}, "unit"),
        (DOCUMENTS, {}, "group"),
        (DOCUMENTS, {"group": "overdue", "after": "xyz"}, "after"),
        (DOCUMENTS, {"group": "overdue", "page_size": 500}, "page_size"),
    ],
)
def test_bad_queries_are_structured_errors(cast, route, query, field):
    # when the leader sends a bad query
    response = _api(cast.leader).get(_url(route), query)
    # then it is a 400 naming the field, in the API's error format
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"]
    assert error["message"]


def test_every_monitoring_route_is_in_the_matrix():
    served = {r for r in _routes(api_urls.urlpatterns) if r[0].startswith("monitoring")}
    assert served == {(SUMMARY, "get"), (DOCUMENTS, "get")}
    assert {(route, "get") for route, _query, _expected in MATRIX} == served


# --- Isolation: each persona, each scope of agency A ---------------------------------------

PERSONAS = (
    "clerk",
    "unit_head",
    "leader",
    "specialist",
    "archivist",
    "agency_admin",
    "outsider",
    "outsider_admin",
    "system_admin",
    "anonymous",
)
# Who gets agency A's figures for each query (everyone else: 404; anonymous: 401). Agency B's
# clerk and administrator asking for "agency" get their own agency's, never A's.
AGENCY = {"leader", "clerk", "agency_admin"}
UNIT_A = {"leader", "agency_admin", "unit_head"}
SPECIALIST = {"leader", "unit_head", "specialist"}
MATRIX = (
    (SUMMARY, {"scope": "agency"}, AGENCY),
    (SUMMARY, {"scope": "unit", "unit": "unit_a"}, UNIT_A),
    (SUMMARY, {"scope": "person", "person": "specialist"}, SPECIALIST),
    (DOCUMENTS, {"scope": "agency", "group": "in_progress"}, AGENCY),
    (DOCUMENTS, {"scope": "unit", "unit": "unit_a", "group": "in_progress"}, UNIT_A),
    (DOCUMENTS, {"scope": "person", "person": "specialist", "group": "in_progress"}, SPECIALIST),
)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("route", "query", "sees_a"), MATRIX)
def test_isolation_matrix(cast, route, query, sees_a, persona):
    # given open work of agency A's unit and specialist, and of agency B
    unit_work = _work(cast, assignee=None, assignee_unit=cast.unit_a)
    person_work = _work(cast)
    _work(cast, agency=cast.agency_b, assignee=cast.outsider, assigned_by=cast.outsider)
    params = {
        k: str(getattr(cast, v).pk) if k in ("unit", "person") else v for k, v in query.items()
    }
    journal = JournalEntry.objects.count()
    person = None if persona == "anonymous" else getattr(cast, persona)
    # when the persona asks
    response = _api(person).get(_url(route), params)
    # then agency A's figures go to those who may see them, and to nobody else
    if persona == "anonymous":
        assert response.status_code == 401
    elif persona in sees_a:
        assert response.status_code == 200
        body = response.json()
        if route == SUMMARY:
            assert body["agency"]["id"] == cast.agency_a.pk
            assert body["figures"]["in_progress"] >= 1
        else:
            ids = {row["id"] for row in body["results"]}
            assert ids & {unit_work.pk, person_work.pk}
    elif persona in {"outsider", "outsider_admin"} and query["scope"] == "agency":
        assert response.status_code == 200
        body = response.json()
        if route == SUMMARY:
            assert body["agency"]["id"] == cast.agency_b.pk
        else:
            assert not {row["id"] for row in body["results"]} & {unit_work.pk, person_work.pk}
    else:
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
        assert cast.unit_a.name not in response.content.decode()
    # and no read writes anything
    assert JournalEntry.objects.count() == journal


def test_matrix_has_every_persona_of_the_cast(cast):
    personas = {name for name in vars(cast) if isinstance(getattr(cast, name), Person)}
    assert personas | {"anonymous"} == set(PERSONAS)

"""The handling API: the path through the API, refusals as structured errors, coverage."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from vanthu.organizations.tests.test_api_isolation import _routes
from vanthu.registry.tests.factories import IncomingDocumentFactory
from vanthu.workflow import api_urls
from vanthu.workflow.models import Assignment, ExtensionRequest

pytestmark = pytest.mark.django_db


def _api(person) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=person)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _url(name: str, *args) -> str:
    return reverse(f"workflow-api:{name}", args=args)


def test_the_path_through_the_api(cast):
    incoming = IncomingDocumentFactory(
        agency=cast.agency_a, registered_by=cast.clerk, registered=True
    )
    created = _api(cast.clerk).post(
        _url("submission-list"), {"incoming": incoming.pk, "leader": cast.leader.pk}, format="json"
    )
    assert created.status_code == 201
    submission = created.json()["id"]
    mine = _api(cast.leader).get(_url("assignment-mine")).json()
    assert [s["id"] for s in mine["submissions"]] == [submission]
    directed = _api(cast.leader).post(
        _url("submission-direct", submission),
        {
            "note": "Giao Phòng BCVT chủ trì",
            "assignees": [
                {"role": "lead", "unit": cast.unit_a.pk},
                {"role": "co", "person": cast.specialist.pk},
            ],
            "due_date": "2099-01-31",
        },
        format="json",
    )
    assert directed.status_code == 200
    lead = next(a for a in directed.json() if a["role"] == "lead")
    head = _api(cast.unit_head)
    assert head.post(_url("assignment-accept", lead["id"])).json()["state"] == "in_progress"
    asked = head.post(
        _url("assignment-input-request", lead["id"]), {"note": "Ý kiến?"}, format="json"
    )
    assert asked.json() == {"notified": 1}
    extension = head.post(
        _url("assignment-extension", lead["id"]),
        {"requested_due": "2099-02-28", "reason": "Chờ số liệu"},
        format="json",
    )
    assert extension.status_code == 200
    decided = _api(cast.leader).post(
        _url("extension-request-decide", extension.json()["id"]), {"approve": True}, format="json"
    )
    assert decided.json()["state"] == "approved"
    done = head.post(_url("assignment-complete", lead["id"]), {"note": "Xong"}, format="json")
    assert done.json()["state"] == "done"
    record = _api(cast.specialist).get(_url("handling-detail", incoming.pk)).json()
    assert [s["action"] for s in record["steps"]][:3] == ["submit", "direct", "assign"]
    assert _api(cast.outsider).get(_url("handling-detail", incoming.pk)).status_code == 404


def test_refusals_are_structured_and_change_nothing(cast):
    incoming = IncomingDocumentFactory(
        agency=cast.agency_a, registered_by=cast.clerk, registered=True
    )
    refused = _api(cast.specialist).post(
        _url("submission-list"), {"incoming": incoming.pk, "leader": cast.leader.pk}, format="json"
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"
    hidden = _api(cast.outsider).post(
        _url("submission-list"), {"incoming": incoming.pk, "leader": cast.leader.pk}, format="json"
    )
    assert hidden.status_code == 404
    submission = (
        _api(cast.clerk)
        .post(
            _url("submission-list"),
            {"incoming": incoming.pk, "leader": cast.leader.pk},
            format="json",
        )
        .json()["id"]
    )
    no_lead = _api(cast.leader).post(
        _url("submission-direct", submission),
        {"assignees": [{"role": "co", "unit": cast.unit_a.pk}]},
        format="json",
    )
    assert no_lead.status_code == 400
    assert no_lead.json()["error"]["fields"]["assignees"]
    assert not Assignment.objects.exists()
    twice = _api(cast.clerk).post(_url("submission-withdraw", submission))
    assert twice.status_code == 200
    again = _api(cast.clerk).post(_url("submission-withdraw", submission))
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "invalid_transition"
    assert not ExtensionRequest.objects.exists()


def test_every_handling_route_is_exercised_here():
    assert _routes(api_urls.urlpatterns) >= {
        ("submission-list", "post"),
        ("submission-direct", "post"),
        ("submission-withdraw", "post"),
        ("assignment-mine", "get"),
        ("assignment-accept", "post"),
        ("assignment-close", "post"),
        ("assignment-return", "post"),
        ("assignment-delegate", "post"),
        ("assignment-reassign", "post"),
        ("assignment-progress", "post"),
        ("assignment-complete", "post"),
        ("assignment-input-request", "post"),
        ("assignment-extension", "post"),
        ("extension-request-decide", "post"),
        ("handling-detail", "get"),
        ("monitoring-list", "get"),
        ("monitoring-documents", "get"),
    }


def test_the_other_assignment_actions_through_the_api(cast):
    incoming = IncomingDocumentFactory(
        agency=cast.agency_a, registered_by=cast.clerk, registered=True
    )
    submission = (
        _api(cast.clerk)
        .post(
            _url("submission-list"),
            {"incoming": incoming.pk, "leader": cast.leader.pk},
            format="json",
        )
        .json()["id"]
    )
    lead, info = (
        _api(cast.leader)
        .post(
            _url("submission-direct", submission),
            {
                "assignees": [
                    {"role": "lead", "unit": cast.unit_a.pk},
                    {"role": "info", "person": cast.archivist.pk},
                ]
            },
            format="json",
        )
        .json()
    )
    assert (
        _api(cast.archivist).post(_url("assignment-close", info["id"])).json()["state"] == "closed"
    )
    head = _api(cast.unit_head)
    returned = head.post(
        _url("assignment-return", lead["id"]), {"note": "Không thuộc phòng"}, format="json"
    )
    assert returned.json()["state"] == "returned"
    new = (
        _api(cast.leader)
        .post(
            _url("assignment-reassign", lead["id"]), {"person": cast.specialist.pk}, format="json"
        )
        .json()
    )
    assert (new["assignee"], new["state"]) == (cast.specialist.pk, "new")
    specialist = _api(cast.specialist)
    assert specialist.post(_url("assignment-accept", new["id"])).status_code == 200
    progress = specialist.post(
        _url("assignment-progress", new["id"]), {"note": "Đang làm"}, format="json"
    )
    assert progress.json()["state"] == "in_progress"
    delegated = specialist.post(
        _url("assignment-delegate", new["id"]),
        {"assignees": [{"role": "lead", "person": cast.unit_head.pk}]},
        format="json",
    )
    assert delegated.status_code == 200
    assert delegated.json()[0]["parent"] == new["id"]

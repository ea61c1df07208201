"""Cross-agency isolation of every exchange API endpoint, over the persona matrix.

One table row per (endpoint, method); each row runs for every persona of the cast. The targets
belong to agency A: documents agency B's clerk (the outsider) sent to A, waiting in A's queue,
one of them with B's request to take it back; and an outgoing document A sent to B. Agency B's
people get 404 for A's records (even the sender: a reception is the recipient's) and never see
them in lists; agency A's people read them, and only its clerks act on them (403 for the
others). A refused request changes nothing; no read writes anything. The table must cover
every (route, method) of `vanthu.exchange.api_urls`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from vanthu.core.models import JournalEntry
from vanthu.exchange import api_urls
from vanthu.exchange.changes import replacement_mark
from vanthu.exchange.choices import DeliveryState, OutboxKind, Route, StatusCode
from vanthu.exchange.models import (
    ChangeRequest,
    Delivery,
    OutboxMessage,
    OutgoingChange,
    Reception,
    ReceptionFile,
    StatusEvent,
)
from vanthu.exchange.tests.scenarios import issue, reception_of, revoke
from vanthu.organizations.models import Person
from vanthu.organizations.tests.test_api_isolation import _routes
from vanthu.registry.models import DocumentFile, IncomingDocument, OutgoingDocument

pytestmark = pytest.mark.django_db

A_STAFF = frozenset({"unit_head", "leader", "specialist", "archivist", "agency_admin"})
PERSONAS = ("clerk", *sorted(A_STAFF), "outsider", "outsider_admin", "system_admin")
ALL_PERSONAS = (*PERSONAS, "anonymous")
# Who opens agency A's records: its people, and the system administrator.
OPENS_A = A_STAFF | {"clerk", "system_admin"}
# Lists show the acting agency only: a system admin with none acting lists nothing (ADR 0002).
LISTS_A = OPENS_A - {"system_admin"}


class Policy(Enum):
    """Who gets what from a row."""

    LIST = "list"  # 200 for all; agency A's rows only for A's people
    A_READ = "a_read"  # a record of agency A: 404 for outsiders
    # A's clerk succeeds, A's others 403, outsiders 404; the system administrator, who acts
    # for no agency, 403 (a decision is taken acting for the recipient agency).
    CLERK_WRITE = "clerk_write"


@dataclass(frozen=True)
class Targets:
    """Agency A's records the rows act on."""

    reception: Reception
    file: ReceptionFile
    change: ChangeRequest
    outgoing: OutgoingDocument
    unsent: OutgoingDocument | None
    failed: Delivery
    failed_message: OutboxMessage


@dataclass(frozen=True)
class Row:
    """One endpoint call of the matrix."""

    name: str
    route: str
    method: str
    policy: Policy
    args: Callable[[Any, Targets], tuple[Any, ...]] = lambda cast, t: ()
    body: Callable[[Any, Targets], dict[str, Any]] | None = None
    success: int = 200


ROWS: tuple[Row, ...] = (
    Row("receptions-list", "reception-list", "get", Policy.LIST),
    Row(
        "receptions-get",
        "reception-detail",
        "get",
        Policy.A_READ,
        args=lambda c, t: (t.reception.pk,),
    ),
    Row(
        "receptions-file-content",
        "reception-file-content",
        "get",
        Policy.A_READ,
        args=lambda c, t: (t.reception.pk, t.file.pk),
    ),
    Row(
        "receptions-receive",
        "reception-receive",
        "post",
        Policy.CLERK_WRITE,
        args=lambda c, t: (t.reception.pk,),
        body=lambda c, t: {"summary": "V/v đề nghị cung cấp số liệu (đã sửa)"},
        # The system administrator acts for no agency: there is no register to receive into.
    ),
    Row(
        "receptions-return",
        "reception-return",
        "post",
        Policy.CLERK_WRITE,
        args=lambda c, t: (t.reception.pk,),
        body=lambda c, t: {"reason": "Gửi nhầm cơ quan."},
    ),
    Row(
        "change-requests-decide",
        "change-request-decide",
        "post",
        Policy.CLERK_WRITE,
        args=lambda c, t: (t.change.pk,),
        body=lambda c, t: {"accept": False, "note": "Văn bản đã được thực hiện."},
    ),
    Row(
        "deliveries-retry",
        "delivery-retry",
        "post",
        Policy.CLERK_WRITE,
        args=lambda c, t: (t.failed.pk,),
    ),
    Row("deliveries-list", "delivery-list", "get", Policy.LIST),
    Row("outbox-messages-list", "outbox-message-list", "get", Policy.LIST),
    Row(
        "outbox-messages-retry",
        "outbox-message-retry",
        "post",
        Policy.CLERK_WRITE,
        args=lambda c, t: (t.failed_message.pk,),
    ),
    Row(
        "outgoing-changes",
        "outgoing-document-changes",
        "get",
        Policy.A_READ,
        args=lambda c, t: (t.outgoing.pk,),
    ),
    Row(
        "outgoing-update",
        "outgoing-document-update",
        "post",
        Policy.CLERK_WRITE,
        args=lambda c, t: (t.outgoing.pk,),
        body=lambda c, t: {"reason": "Sửa trích yếu.", "summary": "V/v số liệu (đính chính)"},
        success=201,
    ),
    Row(
        "outgoing-replaces-put",
        "outgoing-document-replaces",
        "put",
        Policy.CLERK_WRITE,
        args=lambda c, t: (t.unsent.pk if t.unsent else 0,),
        body=lambda c, t: {"replaces": t.outgoing.pk, "reason": "Sai số liệu (lần 2)."},
    ),
    Row(
        "outgoing-replaces-delete",
        "outgoing-document-replaces",
        "delete",
        Policy.CLERK_WRITE,
        args=lambda c, t: (t.unsent.pk if t.unsent else 0,),
        success=204,
    ),
    Row(
        "outgoing-deliveries",
        "outgoing-document-deliveries",
        "get",
        Policy.A_READ,
        args=lambda c, t: (t.outgoing.pk,),
    ),
)


def expected_status(row: Row, persona: str) -> int:
    """Return the status `persona` must get from `row`."""
    if persona == "anonymous":
        return 401
    match row.policy:
        case Policy.LIST:
            return 200
        case Policy.A_READ:
            return 200 if persona in OPENS_A else 404
        case Policy.CLERK_WRITE:
            if persona not in OPENS_A:
                return 404
            return row.success if persona == "clerk" else 403
    raise AssertionError(row.policy)


def _targets(cast: Any, *, with_unsent: bool = False) -> Targets:
    # B's clerk sends two documents to A, and asks to take the second back; A sends one to B.
    reception = reception_of(issue(cast, sender="b", summary="V/v đề nghị cung cấp số liệu"))
    taken_back = issue(cast, sender="b", summary="V/v gửi nhầm")
    revoke(cast, taken_back, reason="Gửi nhầm nơi nhận.")
    outgoing = issue(cast, sender="a")
    unsent = None
    if with_unsent:
        # A's next document, issued and not sent, marked as replacing that one
        unsent = issue(cast, sender="a", send=False)
        replacement_mark(
            actor=cast.actor(cast.clerk),
            document_id=unsent.pk,
            replaces_id=outgoing.pk,
            reason="Sai số liệu.",
        )
    # A's delivery to a partner system whose attempts ran out
    failed = Delivery.objects.create(
        agency_id=cast.agency_a.pk,
        outgoing=outgoing,
        recipient_identifier="000.00.00.G22",
        recipient_name="Văn phòng Chính phủ",
        route=Route.PARTNER,
        state=DeliveryState.FAILED,
        attempts=8,
        last_error="Không kết nối được",
    )
    # A's request to take that document back, whose attempts ran out too
    failed_message = OutboxMessage.objects.create(
        agency_id=cast.agency_a.pk,
        kind=OutboxKind.TAKE_BACK,
        delivery=failed,
        peer_identifier="000.00.00.G22",
        code=StatusCode.TAKE_BACK_REQUESTED,
        at=failed.outgoing.created_at,
        description="Gửi nhầm.",
        state=DeliveryState.FAILED,
        attempts=8,
    )
    return Targets(
        reception=reception,
        file=reception.files.get(),
        change=ChangeRequest.objects.get(reception__delivery__outgoing=taken_back),
        outgoing=outgoing,
        unsent=unsent,
        failed=failed,
        failed_message=failed_message,
    )


def state() -> dict[str, Any]:
    """Every stored value the API could change, to prove a refusal changed nothing."""
    models = (
        Reception,
        ReceptionFile,
        ChangeRequest,
        Delivery,
        StatusEvent,
        OutboxMessage,
        IncomingDocument,
        DocumentFile,
        OutgoingChange,
    )
    values: dict[str, Any] = {"journal": JournalEntry.objects.count()}
    for model in models:
        values[model.__name__] = list(model.objects.order_by("id").values())
    return values


def _client(cast: Any, persona: str) -> tuple[APIClient, Person | None]:
    client = APIClient()
    if persona == "anonymous":
        return client, None
    person = getattr(cast, persona)
    token, _ = Token.objects.get_or_create(user=person)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client, person


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_isolation_matrix(cast, row: Row, persona: str):
    # given A's queue, a take-back request from B, A's document sent to B, and a token
    targets = _targets(cast, with_unsent=row.route == "outgoing-document-replaces")
    client, person = _client(cast, persona)
    before = state()
    # when the persona calls the endpoint
    path = reverse(f"exchange-api:{row.route}", args=row.args(cast, targets))
    body = row.body(cast, targets) if row.body else None
    response = getattr(client, row.method)(path, body, format="json")
    # then the status is the one the policy says, with a structured error when refused
    expected = expected_status(row, persona)
    assert response.status_code == expected, (row.name, persona, response.content[:300])
    if expected >= 400:
        assert set(response.json()["error"]) >= {"code", "message"}
    if expected == 404:
        # never a hint of what is there
        assert response.json()["error"]["code"] == "not_found"
    after = state()
    if expected >= 400 or row.method == "get":
        assert after == before, (row.name, persona)
    else:
        # a write that succeeded is journalled, with the persona as actor
        assert person is not None
        new_rows = JournalEntry.objects.order_by("-id")[: after["journal"] - before["journal"]]
        assert new_rows
        assert {r.actor_id for r in new_rows} == {person.pk}
    if row.policy is Policy.LIST and expected == 200:
        agencies = {item["agency"] for item in response.json()["results"]}
        if persona in LISTS_A:
            assert agencies == {cast.agency_a.pk}, (row.name, persona)
        else:
            assert cast.agency_a.pk not in agencies, (row.name, persona)


# Routes that authenticate partner systems, not people: tested in test_transport.py.
SYSTEM_ROUTES = {("partner-packets", "post")}


def test_matrix_covers_every_route_and_method():
    served = _routes(api_urls.urlpatterns) - SYSTEM_ROUTES
    covered = {(row.route, row.method) for row in ROWS}
    assert served - covered == set(), "endpoints without isolation rows"
    assert covered - served == set(), "rows for endpoints that do not exist"


def test_matrix_has_every_persona_of_the_cast(cast):
    personas = {name for name in vars(cast) if isinstance(getattr(cast, name), Person)}
    assert personas == set(PERSONAS)

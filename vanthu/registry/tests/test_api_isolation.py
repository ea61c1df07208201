"""Cross-agency isolation of every registers API endpoint, over the persona matrix.

One table row per (endpoint, method); each row runs for every persona of the cast. Agency A's
documents, files, tasks and policy lines are the targets: agency B's people (outsider,
outsider_admin) get 404 for them and never see them in lists; agency A's people who are not its
clerks get 403 on register writes, and everyone but agency A's administrator 403 on policy
writes. A refused request changes nothing (no journal row, no stored value), and no read
writes anything. The table must cover every (route, method) of `vanthu.registry.api.urls`.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfWriter
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from vanthu.core.models import JournalEntry
from vanthu.organizations.models import Person
from vanthu.organizations.tests.test_api_isolation import _routes
from vanthu.registry import incoming, outgoing, policy
from vanthu.registry.api import urls as api_urls
from vanthu.registry.choices import IntakeChannel, Purpose
from vanthu.registry.models import (
    DocumentFile,
    DocumentType,
    ExchangePolicyRule,
    Field,
    IncomingDocument,
    OutgoingDocument,
    OutgoingRecipient,
    PaperDispatchTask,
    Register,
    RegisterCounter,
)

pytestmark = pytest.mark.django_db

A_STAFF = frozenset({"unit_head", "leader", "specialist", "archivist"})
OUTSIDERS = frozenset({"outsider", "outsider_admin"})
PERSONAS = (
    "clerk",
    *sorted(A_STAFF),
    "agency_admin",
    "outsider",
    "outsider_admin",
    "system_admin",
)
ALL_PERSONAS = (*PERSONAS, "anonymous")
# Who sees agency A's records, in lists and by id: its people, and the system administrator
# (who acts for no agency and lists every agency's documents).
SEES_A = A_STAFF | {"clerk", "agency_admin", "system_admin"}
# Lists show the acting agency only: a system admin with none acting lists nothing (ADR 0002).
LISTS_A = SEES_A - {"system_admin"}
OPENS_A = SEES_A
# Who registers in their acting agency's registers: its clerks (the outsider is B's clerk).
CLERKS = frozenset({"clerk", "outsider"})


def pdf_bytes(pages: int = 1) -> bytes:
    """Return a small valid PDF of `pages` blank pages, different from every other one."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    # A different file each time: the same bytes twice are a duplicate (NĐ 30 Phụ lục VI).
    writer.add_metadata({"/Title": uuid.uuid4().hex})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def document_type(code: str) -> DocumentType:
    """Return a seeded document type by code."""
    return DocumentType.objects.get(code=code)


def incoming_data(**overrides: Any) -> incoming.IncomingData:
    """Return valid incoming metadata, with `overrides`."""
    values: dict[str, Any] = {
        "sender_agency_id": None,
        "sender_name": "Ủy ban nhân dân huyện Cam Lâm",
        "number": "125",
        "notation": "UBND-VP",
        "document_date": date(2026, 11, 20),
        "document_type_id": document_type("cong-van").pk,
        "field_id": None,
        "summary": "V/v báo cáo tình hình ứng dụng công nghệ thông tin năm 2026",
        "signer_name": "Nguyễn Văn Ký",
        "signer_position": "Chủ tịch",
        "urgency": "normal",
        "filing_location": "",
        "due_date": None,
        "page_count": 1,
        "notes": "",
    }
    values.update(overrides)
    return incoming.IncomingData(**values)


def register_incoming(cast: Any, **overrides: Any) -> IncomingDocument:
    """Register an electronic incoming document of agency A as its clerk."""
    return incoming.incoming_document_register(
        actor=cast.actor(cast.clerk),
        data=incoming_data(**overrides),
        files=[("cong-van.pdf", pdf_bytes())],
        channel=IntakeChannel.ELECTRONIC,
    )


def create_outgoing(cast: Any, *, purpose: str = Purpose.BETWEEN_AGENCIES) -> OutgoingDocument:
    """Enter a Công văn of agency A, not yet issued, addressed to agency B."""
    return outgoing.outgoing_document_create(
        actor=cast.actor(cast.clerk),
        data=outgoing.OutgoingData(
            document_type_id=document_type("cong-van").pk,
            drafting_unit_id=cast.office_a.pk,
            field_id=None,
            purpose=purpose,
            is_permanent_retention=False,
            urgency="normal",
            summary="V/v triển khai chữ ký số",
            signer_name="Phạm Minh Giám",
            signer_position="Giám đốc",
            copies=1,
            page_count=1,
            notes="",
        ),
        recipients=[
            outgoing.RecipientData(agency_id=cast.agency_b.pk, place=cast.agency_b.name),
            outgoing.RecipientData(place="Lưu: VT, VP", is_filing_copy=True),
        ],
    )


def issue_outgoing(cast: Any, document: OutgoingDocument) -> OutgoingDocument:
    """Issue an outgoing document as agency A's clerk."""
    return outgoing.outgoing_document_issue(actor=cast.actor(cast.clerk), document_id=document.pk)


class Policy(Enum):
    """Who gets what from a row."""

    SHARED_READ = "shared_read"  # reference data: every signed-in person
    LIST = "list"  # 200 for all; agency A's rows only for those who see A
    A_READ = "a_read"  # a record of agency A: 404 for outsiders
    CREATE = "create"  # in the acting agency's register: its clerks succeed, others 403
    CLERK_WRITE = "clerk_write"  # A's clerk succeeds, A's others 403, outsiders 404
    ADMIN_WRITE = "admin_write"  # A's administrator succeeds, A's others 403, outsiders 404
    # The catalogues of subject areas and registers: an agency's clerks and administrators.
    CATALOGUE_CREATE = "catalogue_create"  # in the acting agency: clerks and admins, others 403
    CATALOGUE_WRITE = "catalogue_write"  # A's clerk and admin succeed, A's others 403, B's 404
    # The printed register books: A's clerk, leader and archivist, A's others 403, B's 404.
    PRINT = "print"


@dataclass(frozen=True)
class Targets:
    """Agency A's records the rows act on."""

    incoming: IncomingDocument
    file: DocumentFile
    draft: OutgoingDocument
    issued: OutgoingDocument
    task: PaperDispatchTask
    rule: ExchangePolicyRule
    field: Field
    register: Register
    outgoing_file: DocumentFile


@dataclass(frozen=True)
class Row:
    """One endpoint call of the matrix."""

    name: str
    route: str
    method: str
    policy: Policy
    args: Callable[[Any, Targets], tuple[Any, ...]] = lambda cast, t: ()
    body: Callable[[Any, Targets], dict[str, Any]] | None = None
    query: Callable[[Any, Targets], dict[str, Any]] = lambda cast, t: {}
    multipart: bool = False
    success: int = 200
    # Who finds agency A's rows in this list (a system administrator acts for no agency).
    list_sees: frozenset[str] = LISTS_A


def _upload_body(cast: Any, t: Targets) -> dict[str, Any]:
    return {
        "channel": "electronic",
        "uploads": [SimpleUploadedFile("giay-moi.pdf", pdf_bytes(), "application/pdf")],
        "sender_name": "Sở Tài chính",
        "number": "77",
        "notation": "STC-NS",
        "document_date": "2026-11-18",
        "document_type": document_type("giay-moi").pk,
        "summary": "Mời họp về dự toán ngân sách năm 2027",
    }


def _rule_body(cast: Any, t: Targets) -> dict[str, Any]:
    return {
        "agency": cast.agency_a.pk,
        "document_type": document_type("thong-bao").pk,
        "purpose": "for_information",
        "mode": "electronic_only",
        "legal_basis": "QĐ 22/2017 Điều 4.1.b",
        "priority": 150,
    }


ROWS: tuple[Row, ...] = (
    Row("document-types-list", "document-type-list", "get", Policy.SHARED_READ),
    Row("fields-list", "field-list", "get", Policy.LIST),
    Row(
        "fields-create",
        "field-list",
        "post",
        Policy.CATALOGUE_CREATE,
        body=lambda c, t: {"name": "Tài nguyên và môi trường", "code": "TNMT"},
        success=201,
    ),
    Row("fields-get", "field-detail", "get", Policy.A_READ, args=lambda c, t: (t.field.pk,)),
    Row(
        "fields-patch",
        "field-detail",
        "patch",
        Policy.CATALOGUE_WRITE,
        args=lambda c, t: (t.field.pk,),
        body=lambda c, t: {"name": "Chuyển đổi số", "is_active": False},
    ),
    Row("registers-list", "register-list", "get", Policy.LIST),
    Row(
        "registers-create",
        "register-list",
        "post",
        Policy.CATALOGUE_CREATE,
        body=lambda c, t: {
            "kind": "outgoing",
            "name": "Sổ Giấy mời",
            "document_types": [document_type("giay-moi").pk],
        },
        success=201,
    ),
    Row(
        "registers-get", "register-detail", "get", Policy.A_READ, args=lambda c, t: (t.register.pk,)
    ),
    Row(
        "registers-patch",
        "register-detail",
        "patch",
        Policy.CATALOGUE_WRITE,
        args=lambda c, t: (t.register.pk,),
        body=lambda c, t: {"name": "Sổ văn bản đến (điện tử và giấy)"},
    ),
    Row(
        "registers-book",
        "register-book",
        "get",
        Policy.PRINT,
        args=lambda c, t: (t.register.pk,),
        query=lambda c, t: {
            "book": "incoming",
            "date_from": "2026-01-01",
            "date_to": "2026-12-31",
            "file_format": "xlsx",
        },
    ),
    Row("incoming-list", "incoming-document-list", "get", Policy.LIST),
    Row(
        "incoming-register",
        "incoming-document-list",
        "post",
        Policy.CREATE,
        body=_upload_body,
        multipart=True,
        success=201,
    ),
    Row(
        "incoming-get",
        "incoming-document-detail",
        "get",
        Policy.A_READ,
        args=lambda c, t: (t.incoming.pk,),
    ),
    Row(
        "incoming-paper-copy",
        "incoming-document-paper-copy",
        "post",
        Policy.CLERK_WRITE,
        args=lambda c, t: (t.incoming.pk,),
    ),
    Row(
        "incoming-file-content",
        "incoming-document-file-content",
        "get",
        Policy.A_READ,
        args=lambda c, t: (t.incoming.pk, t.file.pk),
    ),
    Row("outgoing-list", "outgoing-document-list", "get", Policy.LIST),
    Row(
        "outgoing-create",
        "outgoing-document-list",
        "post",
        Policy.CREATE,
        body=lambda c, t: {
            "document_type": document_type("cong-van").pk,
            "summary": "V/v cung cấp số liệu",
            "recipients": [{"agency": c.agency_b.pk}],
        },
        success=201,
    ),
    Row(
        "outgoing-get",
        "outgoing-document-detail",
        "get",
        Policy.A_READ,
        args=lambda c, t: (t.draft.pk,),
    ),
    Row(
        "outgoing-patch",
        "outgoing-document-detail",
        "patch",
        Policy.CLERK_WRITE,
        args=lambda c, t: (t.draft.pk,),
        body=lambda c, t: {"summary": "V/v triển khai chữ ký số chuyên dùng"},
    ),
    Row(
        "outgoing-file-content",
        "outgoing-document-file-content",
        "get",
        Policy.A_READ,
        args=lambda c, t: (t.draft.pk, t.outgoing_file.pk),
    ),
    Row(
        "outgoing-issue",
        "outgoing-document-issue",
        "post",
        Policy.CLERK_WRITE,
        args=lambda c, t: (t.draft.pk,),
        body=lambda c, t: {},
    ),
    Row(
        "outgoing-files",
        "outgoing-document-files",
        "post",
        Policy.CLERK_WRITE,
        args=lambda c, t: (t.draft.pk,),
        body=lambda c, t: {
            "role": "attachment",
            "uploads": [SimpleUploadedFile("phu-luc.pdf", pdf_bytes(), "application/pdf")],
        },
        multipart=True,
        success=201,
    ),
    Row(
        "outgoing-revoke",
        "outgoing-document-revoke",
        "post",
        Policy.CLERK_WRITE,
        args=lambda c, t: (t.issued.pk,),
        body=lambda c, t: {"reason": "Gửi nhầm nơi nhận"},
    ),
    Row(
        "outgoing-sent",
        "outgoing-document-sent",
        "post",
        Policy.CLERK_WRITE,
        args=lambda c, t: (t.issued.pk,),
        body=lambda c, t: {},
    ),
    Row(
        "paper-tasks-list",
        "paper-dispatch-task-list",
        "get",
        Policy.LIST,
    ),
    Row(
        "paper-task-complete",
        "paper-dispatch-task-complete",
        "post",
        Policy.CLERK_WRITE,
        args=lambda c, t: (t.task.pk,),
    ),
    Row(
        "policy-list",
        "exchange-policy-rule-list",
        "get",
        Policy.LIST,
    ),
    Row(
        "policy-list-of-a",
        "exchange-policy-rule-list",
        "get",
        Policy.A_READ,
        query=lambda c, t: {"agency": c.agency_a.pk},
    ),
    Row(
        "policy-create",
        "exchange-policy-rule-list",
        "post",
        Policy.ADMIN_WRITE,
        body=_rule_body,
        success=201,
    ),
    Row(
        "policy-put",
        "exchange-policy-rule-detail",
        "put",
        Policy.ADMIN_WRITE,
        args=lambda c, t: (t.rule.pk,),
        body=_rule_body,
    ),
    Row(
        "policy-delete",
        "exchange-policy-rule-detail",
        "delete",
        Policy.ADMIN_WRITE,
        args=lambda c, t: (t.rule.pk,),
        success=204,
    ),
)


def expected_status(row: Row, persona: str) -> int:
    """Return the status `persona` must get from `row`."""
    if persona == "anonymous":
        return 401
    match row.policy:
        case Policy.SHARED_READ | Policy.LIST:
            return 200
        case Policy.A_READ:
            return 200 if persona in OPENS_A else 404
        case Policy.CREATE:
            return row.success if persona in CLERKS else 403
        case Policy.CLERK_WRITE:
            if persona not in OPENS_A:
                return 404
            return row.success if persona in {"clerk", "system_admin"} else 403
        case Policy.ADMIN_WRITE:
            if persona not in OPENS_A:
                return 404
            return row.success if persona in {"agency_admin", "system_admin"} else 403
        case Policy.CATALOGUE_CREATE:
            return row.success if persona in CLERKS | {"agency_admin", "outsider_admin"} else 403
        case Policy.CATALOGUE_WRITE:
            if persona not in OPENS_A:
                return 404
            return row.success if persona in {"clerk", "agency_admin", "system_admin"} else 403
        case Policy.PRINT:
            if persona not in OPENS_A:
                return 404
            printers = {"clerk", "leader", "archivist", "system_admin"}
            return row.success if persona in printers else 403
    raise AssertionError(row.policy)


def _targets(cast: Any) -> Targets:
    field = Field.objects.create(agency=cast.agency_a, name="Công nghệ thông tin")
    document = register_incoming(cast)
    draft = create_outgoing(cast)
    [outgoing_file] = outgoing.outgoing_document_files_add(
        actor=cast.actor(cast.clerk),
        document_id=draft.pk,
        files=[("du-thao.pdf", pdf_bytes())],
        role="original",
    )
    issued = issue_outgoing(cast, create_outgoing(cast))
    # Submitted to the Provincial People's Committee: electronic and paper (Điều 5.2).
    to_province = issue_outgoing(
        cast, create_outgoing(cast, purpose=Purpose.TO_PROVINCIAL_LEADERSHIP)
    )
    outgoing.outgoing_document_mark_sent(
        actor=cast.actor(cast.clerk), document_id=to_province.pk, sent_at=timezone.now()
    )
    # Both agencies' tables exist already: a read that seeds one is not a write of the API.
    for agency in (cast.agency_a, cast.agency_b):
        policy.exchange_policy_ensure_defaults(agency_id=agency.pk)
    return Targets(
        incoming=document,
        file=document.files.get(),
        draft=draft,
        issued=issued,
        task=PaperDispatchTask.objects.get(document=to_province),
        rule=ExchangePolicyRule.objects.filter(agency=cast.agency_a).first(),  # type: ignore[arg-type]
        field=field,
        register=document.register,
        outgoing_file=outgoing_file,
    )


def state() -> dict[str, Any]:
    """Every stored value the API could change, to prove a refusal changed nothing."""
    models = (
        Register,
        Register.document_types.through,
        RegisterCounter,
        IncomingDocument,
        OutgoingDocument,
        OutgoingRecipient,
        PaperDispatchTask,
        ExchangePolicyRule,
        DocumentFile,
        Field,
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
    # given agency A's documents, file, task and policy, and a token for the persona
    targets = _targets(cast)
    client, person = _client(cast, persona)
    before = state()
    # when the persona calls the endpoint
    path = reverse(f"registry-api:{row.route}", args=row.args(cast, targets))
    query = row.query(cast, targets)
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    body = row.body(cast, targets) if row.body else None
    response = getattr(client, row.method)(
        path, body, format="multipart" if row.multipart else "json"
    )
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
    if row.policy in (Policy.CREATE, Policy.CATALOGUE_CREATE) and expected == row.success:
        # created in the persona's own agency, never in agency A for an outsider
        assert person is not None
        assert response.json()["agency"] == person.agency_id
    if row.policy is Policy.LIST and expected == 200:
        agencies = {item["agency"] for item in response.json()["results"]}
        if persona in row.list_sees:
            assert cast.agency_a.pk in agencies, (row.name, persona)
        else:
            assert cast.agency_a.pk not in agencies, (row.name, persona)


def test_matrix_covers_every_route_and_method():
    served = _routes(api_urls.urlpatterns)
    covered = {(row.route, row.method) for row in ROWS}
    assert served - covered == set(), "endpoints without isolation rows"
    assert covered - served == set(), "rows for endpoints that do not exist"


def test_matrix_has_every_persona_of_the_cast(cast):
    personas = {name for name in vars(cast) if isinstance(getattr(cast, name), Person)}
    assert personas == set(PERSONAS)

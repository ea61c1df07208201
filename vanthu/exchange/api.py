"""API endpoints of the exchange: the recipient's queue and decisions, the sender's view.

Each endpoint parses its input with a serializer, calls one selector or service with the actor
of the request, and serializes the result (ADR 0009). A reception, file or request of another
agency is 404; the recipient agency's people read its receptions, its clerks act on them (403
for the others); nothing is changed by a refusal.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.parsers import BaseParser, JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from vanthu.core.api import error_responses
from vanthu.core.errors import NotFound, PermissionDenied, ValidationFailed
from vanthu.core.pagination import keyset_page
from vanthu.exchange import outbound, selectors
from vanthu.exchange import serializers as s
from vanthu.exchange import services as x
from vanthu.exchange.models import Reception
from vanthu.exchange.views import file_response
from vanthu.registry.api.views import RegistryViewSet, api_field_names, parse_body, parse_query
from vanthu.registry.incoming import IncomingData
from vanthu.registry.permissions import can_register, can_view_documents

LIST_ERRORS = error_responses(400, 401, 403)
DETAIL_ERRORS = error_responses(401, 403, 404)
DECISION_409 = "Already decided (`invalid_transition`): received, returned or taken back."
RECEIVE_409 = (
    "Already decided (`invalid_transition`); or a document with the same sender, number and "
    "date, or the same file, is already registered (`duplicate`, `fields.duplicates` lists "
    "their ids): send `confirm_duplicate` to receive it anyway."
)
SENDER_FIXED = "Nơi gửi là cơ quan gửi văn bản qua hệ thống; không sửa được."
# Names of the receive body that the register's data names differently.
DATA_NAMES = {"document_type": "document_type_id", "field": "field_id"}


def _corrected(data: IncomingData, body: dict[str, Any]) -> IncomingData:
    """Return the prefilled data with the fields the caller sent."""
    changes = {DATA_NAMES.get(k, k): v for k, v in body.items() if k != "confirm_duplicate"}
    return replace(data, **changes)


@extend_schema_view(
    list=extend_schema(
        summary="List the documents that arrived for the acting agency (the queue)",
        description="Documents other agencies sent through the system: awaiting reception "
        "first, then newest first. Keyset pagination: pass `next_cursor` as `after` with the "
        "same filters.",
        parameters=[s.ReceptionListQuerySerializer],
        responses={200: s.ReceptionPageSerializer, **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="Get a reception with its files, the sender's requests and the prefilled fields",
        responses={200: s.ReceptionDetailSerializer, **DETAIL_ERRORS},
    ),
    receive=extend_schema(
        summary="Receive a document into the incoming register (clerks; status 03)",
        description="Registers the document with the prefilled fields, corrected by the ones "
        "sent, and its files byte for byte. The sender sees “03 Đã tiếp nhận, vào sổ” with "
        "the arrival number. Journalled.",
        request=s.ReceiveSerializer,
        responses={
            200: s.ReceptionDetailSerializer,
            **error_responses(400, 401, 403, 404, 409, s409=RECEIVE_409),
        },
    ),
    return_=extend_schema(
        summary="Return a document to its sender with a reason (clerks; status 02)",
        request=s.ReturnSerializer,
        responses={
            200: s.ReceptionDetailSerializer,
            **error_responses(400, 401, 403, 404, 409, s409=DECISION_409),
        },
    ),
)
@extend_schema(tags=["Exchange"])
class ReceptionViewSet(RegistryViewSet):
    """Documents that arrived from other agencies (văn bản liên thông đến)."""

    # Keyset pages on the queue's own order (core.pagination), not DRF's cursor on id.
    pagination_class = None  # type: ignore[assignment]

    def list(self, request: Request) -> Response:
        query = parse_query(s.ReceptionListQuerySerializer, request)
        receptions = selectors.reception_list(
            actor=self.actor,
            state=query.get("state", ""),
            pending_request=query["pending_request"],
        )
        page = keyset_page(receptions, after=query["after"] or None, size=query["page_size"])
        results = s.ReceptionSerializer(page.items, many=True).data
        return Response({"next_cursor": page.next_cursor, "results": results})

    def retrieve(self, request: Request, pk: int) -> Response:
        reception = selectors.reception_get(actor=self.actor, reception_id=pk)
        return Response(s.ReceptionDetailSerializer(reception).data)

    def _clerk_reception(self, pk: int) -> Reception:
        # Refuse before reading the body: a refused caller learns nothing from its errors.
        reception = selectors.reception_get(actor=self.actor, reception_id=pk)
        if not can_register(self.actor, reception.agency_id):
            raise PermissionDenied(x.DENIED)
        return reception

    @action(detail=True, methods=["post"])
    def receive(self, request: Request, pk: int) -> Response:
        reception = self._clerk_reception(pk)
        body = parse_body(s.ReceiveSerializer, request)
        if reception.sender_id is not None and "sender_name" in body:
            # As on the page: a sender hosted here is the agency the document came from.
            raise ValidationFailed(x.INVALID, fields={"sender_name": [SENDER_FIXED]})
        data = _corrected(x.reception_data(reception), body)
        with api_field_names():
            x.reception_receive(
                actor=self.actor,
                reception_id=reception.pk,
                data=data,
                confirm_duplicate=body["confirm_duplicate"],
            )
        reception = selectors.reception_get(actor=self.actor, reception_id=pk)
        return Response(s.ReceptionDetailSerializer(reception).data)

    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: int) -> Response:
        reception = self._clerk_reception(pk)
        body = parse_body(s.ReturnSerializer, request)
        x.reception_return(actor=self.actor, reception_id=reception.pk, reason=body["reason"])
        reception = selectors.reception_get(actor=self.actor, reception_id=pk)
        return Response(s.ReceptionDetailSerializer(reception).data)


@extend_schema(tags=["Exchange"])
class ReceptionFileContentViewSet(RegistryViewSet):
    """The stored bytes of a file that arrived."""

    @extend_schema(
        summary="Download a file of a reception",
        description="The bytes as they arrived, with the sender's content type.",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file's bytes."
            ),
            **DETAIL_ERRORS,
        },
    )
    def retrieve(self, request: Request, pk: int, file_id: int) -> FileResponse:
        stored = selectors.reception_file_get(actor=self.actor, reception_id=pk, file_id=file_id)
        return file_response(stored)


@extend_schema_view(
    decide=extend_schema(
        summary="Accept or refuse a sender's request to take a document back (clerks)",
        description="Accepting (status 15) takes the document out of use: an awaiting one "
        "leaves the queue, a received one is marked revoked and keeps its line in the register. "
        "Refusing (16) needs a `note`. Journalled; the sender is told.",
        request=s.DecideSerializer,
        responses={
            200: s.ChangeRequestSerializer,
            **error_responses(
                400, 401, 403, 404, 409, s409="Already decided (`invalid_transition`)."
            ),
        },
    ),
)
@extend_schema(tags=["Exchange"])
class ChangeRequestViewSet(RegistryViewSet):
    """Requests of senders to take back a document they sent (status 13)."""

    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: int) -> Response:
        change = selectors.change_request_get(actor=self.actor, request_id=pk)
        if not can_register(self.actor, change.reception.agency_id):
            raise PermissionDenied(x.DENIED)
        body = parse_body(s.DecideSerializer, request)
        change = x.change_request_decide(
            actor=self.actor, request_id=change.pk, accept=body["accept"], note=body["note"]
        )
        return Response(s.ChangeRequestSerializer(change).data)


@extend_schema(tags=["Exchange"])
class DeliveryViewSet(RegistryViewSet):
    """The sender's view: each recipient of an issued outgoing document and its status."""

    @extend_schema(
        summary="List the recipients of an outgoing document with their status",
        description="One delivery per recipient agency: the route, the sending state and the "
        "status the recipient reported (01 arrived, 02 returned, 03 registered, 04-06 "
        "handling, 13/15/16 take-back), with the history. Empty before the document is issued.",
        responses={200: s.DeliverySerializer(many=True), **DETAIL_ERRORS},
    )
    def list(self, request: Request, pk: int) -> Response:
        deliveries = x.delivery_list(actor=self.actor, outgoing_id=pk)
        return self._page(deliveries, s.DeliverySerializer)


@extend_schema(tags=["Exchange"])
class DeliveryRetryViewSet(RegistryViewSet):
    """Send again a delivery to a partner system that failed (“Gửi lại”)."""

    @extend_schema(
        summary="Send a failed delivery again (the sender's clerks)",
        description="Only a delivery whose attempts ran out (`failed`): its attempts start over "
        "and the same packet (same packet id) is sent again. Journalled.",
        request=None,
        responses={
            200: s.DeliverySerializer,
            **error_responses(401, 403, 404, 409, s409="Not failed (`invalid_transition`)."),
        },
    )
    def retry(self, request: Request, pk: int) -> Response:
        delivery = outbound.delivery_retry(actor=self.actor, delivery_id=pk)
        return Response(s.DeliverySerializer(delivery).data)


@extend_schema(tags=["Exchange"])
class SendingDeliveryViewSet(RegistryViewSet):
    """The acting agency's deliveries to other systems, e.g. those that failed (“Gửi lại”)."""

    @extend_schema(
        summary="List the acting agency's deliveries to other systems",
        description="Deliveries to partner systems and the national hub (not those inside this "
        "system), newest first; `state=failed` lists those whose attempts ran out, to send "
        "again with `POST /deliveries/{id}/retry/`.",
        parameters=[s.DeliveryListQuerySerializer],
        responses={200: s.DeliverySerializer(many=True), **LIST_ERRORS},
    )
    def list(self, request: Request) -> Response:
        query = parse_query(s.DeliveryListQuerySerializer, request)
        deliveries = selectors.sending_delivery_list(actor=self.actor, state=query.get("state", ""))
        return self._page(deliveries, s.DeliverySerializer)


@extend_schema_view(
    list=extend_schema(
        summary="List the acting agency's status reports and take-backs to other systems",
        description="The outbox: statuses (01-06, 15, 16) reported to senders and take-back "
        "requests (13) sent to recipients, newest first; `state=failed` lists those whose "
        "attempts ran out.",
        parameters=[s.DeliveryListQuerySerializer],
        responses={200: s.OutboxMessageSerializer(many=True), **LIST_ERRORS},
    ),
    retry=extend_schema(
        summary="Send a failed status report or take-back again (the agency's clerks)",
        description="Only a message whose attempts ran out (`failed`): its attempts start over "
        "and the same packet (same packet id) is sent again. Journalled.",
        request=None,
        responses={
            200: s.OutboxMessageSerializer,
            **error_responses(401, 403, 404, 409, s409="Not failed (`invalid_transition`)."),
        },
    ),
)
@extend_schema(tags=["Exchange"])
class OutboxMessageViewSet(RegistryViewSet):
    """Status reports and take-back requests waiting for or sent to other systems."""

    def list(self, request: Request) -> Response:
        query = parse_query(s.DeliveryListQuerySerializer, request)
        messages = selectors.outbox_list(actor=self.actor, state=query.get("state", ""))
        return self._page(messages, s.OutboxMessageSerializer)

    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: int) -> Response:
        message = outbound.outbox_retry(actor=self.actor, message_id=pk)
        return Response(s.OutboxMessageSerializer(message).data)


def _clerk_outgoing(actor: Any, pk: int) -> None:
    """Refuse before reading the body: 404 for other agencies, 403 for non-clerks."""
    from vanthu.exchange.changes import DENIED, NOT_FOUND
    from vanthu.registry.models import OutgoingDocument

    document = OutgoingDocument.objects.filter(pk=pk).first()
    if document is None or not can_view_documents(actor, document.agency_id):
        raise NotFound(NOT_FOUND)
    if actor.agency_id != document.agency_id or not can_register(actor, document.agency_id):
        raise PermissionDenied(DENIED)


@extend_schema(tags=["Exchange"])
class OutgoingChangeViewSet(RegistryViewSet):
    """Updates (type 2) and replacements (type 3) of documents the agency sent."""

    multipart_actions = frozenset({"update_send"})

    def get_parsers(self) -> list[BaseParser]:
        parsers = super().get_parsers()
        # The update takes files (multipart) but may be metadata only (JSON).
        return [*parsers, JSONParser()] if len(parsers) > 1 else parsers

    @extend_schema(
        summary="List the updates and replacements of an outgoing document",
        description="Both sides: the updates of this document, the replacement it made (it "
        "replaces another) or the one that replaced it; each with its recipients' answers "
        "(13 asked, 15 accepted, 16 refused with the reason).",
        responses={200: s.OutgoingChangeSerializer(many=True), **DETAIL_ERRORS},
    )
    def list(self, request: Request, pk: int) -> Response:
        from vanthu.exchange.changes import change_list

        return self._page(change_list(actor=self.actor, outgoing_id=pk), s.OutgoingChangeSerializer)

    @extend_schema(
        summary="Send a correction of a sent document to its recipients (clerks; type 2)",
        description="Multipart (with `uploads`, the corrected files, main text first) or JSON "
        "(metadata only). The number, notation and date cannot change (issue a replacing "
        "document instead). Each recipient that holds the document is asked (13) and accepts "
        "(15: applied, the earlier values and files kept) or refuses (16). Journalled.",
        request={
            "multipart/form-data": s.UpdateSendSerializer,
            "application/json": s.UpdateSendSerializer,
        },
        responses={
            201: s.OutgoingChangeSerializer,
            **error_responses(
                400, 401, 403, 404, 409, s409="Not issued and sent (`invalid_transition`)."
            ),
        },
    )
    def update_send(self, request: Request, pk: int) -> Response:
        from vanthu.exchange.changes import update_send

        _clerk_outgoing(self.actor, pk)
        body = parse_body(s.UpdateSendSerializer, request)
        uploads = body.pop("uploads")
        reason = body.pop("reason")
        change = update_send(
            actor=self.actor,
            document_id=pk,
            reason=reason,
            changes=body,
            files=[(f.name, f.read()) for f in uploads],
        )
        return Response(s.OutgoingChangeSerializer(change).data, status=201)

    @extend_schema(
        summary="Mark an issued, unsent document as replacing one sent before (clerks; type 3)",
        description="When the document is then sent, the replaced document's recipients get "
        "it as a replacement naming the old DocumentId; they accept (15: the old one leaves "
        "use, its metadata kept; the new one is registered) or refuse (16). Journalled.",
        request=s.ReplacementMarkSerializer,
        responses={
            200: s.OutgoingChangeSerializer,
            **error_responses(
                400, 401, 403, 404, 409, s409="Not issued, or already sent (`invalid_transition`)."
            ),
        },
    )
    def replacement_mark(self, request: Request, pk: int) -> Response:
        from vanthu.exchange.changes import replacement_mark

        _clerk_outgoing(self.actor, pk)
        body = parse_body(s.ReplacementMarkSerializer, request)
        with api_field_names():
            change = replacement_mark(
                actor=self.actor,
                document_id=pk,
                replaces_id=body["replaces"],
                reason=body["reason"],
            )
        return Response(s.OutgoingChangeSerializer(change).data)

    @extend_schema(
        summary="Undo the mark before the document is sent (clerks)",
        request=None,
        responses={
            204: None,
            **error_responses(401, 403, 404, 409, s409="Already sent (`invalid_transition`)."),
        },
    )
    def replacement_unmark(self, request: Request, pk: int) -> Response:
        from vanthu.exchange.changes import replacement_unmark

        _clerk_outgoing(self.actor, pk)
        replacement_unmark(actor=self.actor, document_id=pk)
        return Response(status=204)

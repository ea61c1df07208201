"""The exchange endpoint: partner systems post edXML packets here (ADR 0018).

It authenticates systems, not people: the pair's key id, a timestamp inside the replay window,
the packet id and an HMAC-SHA256 of them and of the body (`exchange.auth`). The size is checked
before the body is read. Every refusal is a JSON body with a stable `code`; nothing is stored
for a request that is not authenticated.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vanthu.exchange.auth import (
    KEY_HEADER,
    PACKET_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    request_signature,
    signature_matches,
)
from vanthu.exchange.inbound import packet_receive
from vanthu.exchange.models import Packet, Partner, PartnerRequest

logger = logging.getLogger(__name__)

ANSWER = inline_serializer(
    "PacketAnswer",
    {
        "packet_id": serializers.UUIDField(),
        "result": serializers.CharField(),
        "kind": serializers.ChoiceField(choices=["document", "status"]),
    },
)
REFUSAL = inline_serializer(
    "PacketRefusal",
    {
        "code": serializers.CharField(),
        "message": serializers.CharField(),
        "edxml_code": serializers.CharField(required=False),
        "location": serializers.CharField(required=False),
        "line": serializers.IntegerField(required=False, allow_null=True),
        "signature": inline_serializer(
            "PacketSignatureRefusal",
            {
                "reason": serializers.CharField(),
                "detail": serializers.CharField(),
                "subject": serializers.CharField(),
            },
            required=False,
        ),
    },
)
# Refusals given before the partner is authenticated: logged, the body never stored.
UNAUTHENTICATED = frozenset({401, 411, 413})


def _refuse(status: int, code: str, message: str) -> Response:
    return Response({"code": code, "message": message}, status=status)


def _header(request: Request, name: str) -> str:
    return str(request.headers.get(name, "")).strip()


class PartnerPacketView(APIView):
    """Receive one edXML packet (document or status) from an authenticated partner system."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    parser_classes: list[Any] = []

    @extend_schema(
        tags=["Exchange"],
        operation_id="exchange_packets_create",
        summary="Receive an edXML packet from a partner system (system-to-system)",
        description="The body is one edXML packet (`application/xml`). Headers: "
        f"`{KEY_HEADER}` (the pair's key id), `{TIMESTAMP_HEADER}` (Unix seconds, within the "
        f"replay window), `{PACKET_HEADER}` (UUID, the same on every resend) and "
        f"`{SIGNATURE_HEADER}`: hex HMAC-SHA256 with the pair's secret over "
        "`timestamp \\n packet id \\n hex sha256(body)`. A packet id already received gets "
        "the same answer again and nothing is stored twice. A document for a hosted agency "
        "enters its clerk's queue and “01” is sent back; a status updates the delivery it "
        "answers; a take-back (type 1 or status 13) becomes a request to the clerk.",
        request={"application/xml": OpenApiTypes.BINARY},
        parameters=[
            OpenApiParameter(KEY_HEADER, str, OpenApiParameter.HEADER, required=True),
            OpenApiParameter(TIMESTAMP_HEADER, int, OpenApiParameter.HEADER, required=True),
            OpenApiParameter(
                PACKET_HEADER, OpenApiTypes.UUID, OpenApiParameter.HEADER, required=True
            ),
            OpenApiParameter(SIGNATURE_HEADER, str, OpenApiParameter.HEADER, required=True),
        ],
        responses={
            200: ANSWER,
            400: OpenApiResponse(
                REFUSAL,
                description="Not a readable edXML packet (`edxml_invalid`, with `edxml_code`), "
                "or its header signature does not match its content (`signature_invalid`, "
                "with `signature`). Refused packets of an authenticated partner are kept as "
                "evidence.",
            ),
            401: OpenApiResponse(
                REFUSAL, description="Unknown key, bad signature, stale timestamp or replay."
            ),
            403: OpenApiResponse(
                REFUSAL, description="The partner does not serve the sending agency."
            ),
            404: OpenApiResponse(REFUSAL, description="No such recipient or document here."),
            409: OpenApiResponse(REFUSAL, description="The packet id belongs to another partner."),
            411: OpenApiResponse(REFUSAL, description="No Content-Length."),
            413: OpenApiResponse(REFUSAL, description="Larger than the packet limit."),
            422: OpenApiResponse(REFUSAL, description="Business type not supported."),
        },
    )
    def post(self, request: Request) -> Response:
        limit = settings.EXCHANGE_MAX_PACKET_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or "")
        except ValueError:
            return _refuse(411, "length_required", "Cần khai báo Content-Length.")
        if length > limit:
            return _refuse(413, "packet_too_large", "Gói tin vượt quá dung lượng cho phép.")
        partner = Partner.objects.filter(
            key_id=_header(request, KEY_HEADER), is_active=True
        ).first()
        stamp = _header(request, TIMESTAMP_HEADER)
        given = _header(request, SIGNATURE_HEADER)
        try:
            packet_id = str(uuid.UUID(_header(request, PACKET_HEADER)))
            moment = int(stamp)
        except ValueError:
            return _refuse(401, "unauthenticated", "Thiếu hoặc sai thông tin xác thực.")
        if partner is None:
            return _refuse(401, "unauthenticated", "Thiếu hoặc sai thông tin xác thực.")
        if abs(time.time() - moment) > settings.EXCHANGE_REPLAY_SECONDS:
            return _refuse(401, "stale_timestamp", "Thời điểm yêu cầu quá lệch so với máy chủ.")
        # Read exactly the declared length, never more (the size was checked above).
        raw = request._request.read(length) if length else b""
        if len(raw) != length:
            return _refuse(400, "incomplete_body", "Nội dung nhận được không đủ Content-Length.")
        expected = request_signature(
            secret=partner.secret, timestamp=stamp, packet_id=packet_id, body=raw
        )
        if not signature_matches(expected, given):
            return _refuse(401, "bad_signature", "Chữ ký yêu cầu không đúng.")
        if not _first_use(partner, expected) and not _already_received(partner, packet_id):
            # A replay of a packet already taken is harmless (the same answer is given again);
            # any other replayed request is refused.
            return _refuse(401, "replay", "Yêu cầu này đã được gửi (phát lại).")
        try:
            status, answer = packet_receive(partner=partner, packet_id=packet_id, raw=raw)
        except Exception:  # never a 500 for a partner: the sender retries a 503
            logger.exception("Exchange: packet %s from %s failed", packet_id, partner.key_id)
            PartnerRequest.objects.filter(signature=expected).delete()
            return _refuse(503, "temporarily_unavailable", "Chưa xử lý được, hãy gửi lại sau.")
        logger.info(
            "Exchange: packet %s from %s: %s (sha256 %s)",
            packet_id,
            partner.key_id,
            status,
            hashlib.sha256(raw).hexdigest()[:16],
        )
        return Response(answer, status=status)

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        # Whoever is refused before authentication leaves a trace in the log, never on disk.
        status = response.status_code
        data = getattr(response, "data", None)
        code = str(data.get("code", "")) if isinstance(data, dict) else ""
        if status in UNAUTHENTICATED or (status == 400 and code == "incomplete_body"):
            logger.warning(
                "Exchange: request refused unread (not authenticated or replayed): %s %s from %s "
                "(key %r, packet %r)",
                status,
                code,
                request.META.get("REMOTE_ADDR", ""),
                _header(request, KEY_HEADER)[:100],
                _header(request, PACKET_HEADER)[:40],
            )
        return super().finalize_response(request, response, *args, **kwargs)


def _already_received(partner: Partner, packet_id: str) -> bool:
    """Return whether a packet with this id from this partner was already received."""
    return Packet.objects.filter(
        partner=partner, packet_id=packet_id, direction=Packet.Direction.IN
    ).exists()


# Signatures older than twice the replay window are pruned, at most once a minute per process
# (not on every request: on SQLite each delete is one more write transaction).
PRUNE_EVERY = 60.0
_pruned_at = [-PRUNE_EVERY]


def _first_use(partner: Partner, signature: str) -> bool:
    """Record a request's signature; False when it was seen within the replay window."""
    now = timezone.now()
    window = timedelta(seconds=settings.EXCHANGE_REPLAY_SECONDS * 2)
    try:
        with transaction.atomic():
            PartnerRequest.objects.create(partner=partner, signature=signature, at=now)
    except IntegrityError:
        return False
    if time.monotonic() - _pruned_at[0] >= PRUNE_EVERY:
        _pruned_at[0] = time.monotonic()
        PartnerRequest.objects.filter(at__lt=now - window).delete()
    return True

"""API of the inbox, under /api/v1/notifications/: one's own notices, read marks, the count.

Every endpoint acts on the caller's own notices only; another person's notice is 404 for
everyone. Include `urlpatterns` (or `router`) in the API's URL configuration.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from vanthu.core.api import error_responses
from vanthu.core.pagination import keyset_page
from vanthu.registry.api.views import RegistryViewSet, parse_query
from vanthu.workflow import notify
from vanthu.workflow.choices import NotificationKind
from vanthu.workflow.models import Notification

LIST_ERRORS = error_responses(400, 401, 403)
DETAIL_ERRORS = error_responses(401, 403, 404)


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    """A notice in the caller's inbox."""

    kind = serializers.ChoiceField(choices=NotificationKind.choices, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "kind_label",
            "title",
            "link",
            "is_urgent",
            "agency",
            "created_at",
            "read_at",
            "is_read",
            "emailed_at",
        ]
        read_only_fields = fields

    def get_is_read(self, notice: Notification) -> bool:
        return notice.read_at is not None


class NotificationPageSerializer(serializers.Serializer[Any]):
    """One page of the inbox."""

    next_cursor = serializers.CharField(
        allow_null=True, help_text="Pass as `after` for the next page; null on the last page."
    )
    results = NotificationSerializer(many=True)


class NotificationListQuerySerializer(serializers.Serializer[Any]):
    """Paging and the unread filter of the inbox."""

    unread = serializers.BooleanField(
        required=False, default=False, help_text="Only the notices not read yet."
    )
    after = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="`next_cursor` of the last page."
    )
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=200, default=50)


class UnreadCountSerializer(serializers.Serializer[Any]):
    """How many notices are unread."""

    unread = serializers.IntegerField()


class MarkedSerializer(serializers.Serializer[Any]):
    """How many notices a "mark all read" marked."""

    marked = serializers.IntegerField()


@extend_schema_view(
    list=extend_schema(
        summary="List the caller's notifications (unread first)",
        description="The caller's own notices: unread ones first (newest first), then the read "
        "ones, most recently read first. Keyset pagination: pass `next_cursor` as `after`.",
        parameters=[NotificationListQuerySerializer],
        responses={200: NotificationPageSerializer, **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="Get one of the caller's notifications",
        responses={200: NotificationSerializer, **DETAIL_ERRORS},
    ),
    read=extend_schema(
        summary="Mark a notification read",
        description="Marking it again keeps the time it was first read.",
        request=None,
        responses={200: NotificationSerializer, **DETAIL_ERRORS},
    ),
    read_all=extend_schema(
        summary="Mark every notification of the caller read",
        request=None,
        responses={200: MarkedSerializer, **error_responses(401, 403)},
    ),
    unread_count=extend_schema(
        summary="Count the caller's unread notifications",
        responses={200: UnreadCountSerializer, **error_responses(401, 403)},
    ),
)
@extend_schema(tags=["Notifications"])
class NotificationViewSet(RegistryViewSet):
    """The caller's inbox (thông báo)."""

    # Keyset pages on the inbox's own order (core.pagination), not DRF's cursor on id.
    pagination_class = None  # type: ignore[assignment]

    def list(self, request: Request) -> Response:
        query = parse_query(NotificationListQuerySerializer, request)
        notices = notify.notification_list(actor=self.actor, unread_only=query["unread"])
        page = keyset_page(notices, after=query["after"] or None, size=query["page_size"])
        results = NotificationSerializer(page.items, many=True).data
        return Response({"next_cursor": page.next_cursor, "results": results})

    def retrieve(self, request: Request, pk: int) -> Response:
        notice = notify.notification_get(actor=self.actor, notification_id=pk)
        return Response(NotificationSerializer(notice).data)

    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: int) -> Response:
        notice = notify.notification_mark_read(actor=self.actor, notification_id=pk)
        return Response(NotificationSerializer(notice).data)

    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        return Response({"marked": notify.notification_mark_all_read(actor=self.actor)})

    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request: Request) -> Response:
        return Response({"unread": notify.notification_unread_count(actor=self.actor)})


router = SimpleRouter(use_regex_path=False)
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = router.urls

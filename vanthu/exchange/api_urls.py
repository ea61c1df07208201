"""API routes of the exchange, under /api/v1/ (namespace exchange-api).

Every route here must have rows in the isolation matrix (`tests/test_api_isolation.py`), which
checks that it covers each (route, method) pair. The sender's view of an outgoing document is
nested under the registers' `outgoing-documents/{id}/`, as its files are.
"""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from vanthu.exchange import api, api_partner

router = SimpleRouter(use_regex_path=False)
router.register("receptions", api.ReceptionViewSet, basename="reception")
router.register("change-requests", api.ChangeRequestViewSet, basename="change-request")
router.register("outbox-messages", api.OutboxMessageViewSet, basename="outbox-message")

app_name = "exchange-api"
urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "receptions/<int:pk>/files/<int:file_id>/content/",
        api.ReceptionFileContentViewSet.as_view({"get": "retrieve"}),
        name="reception-file-content",
    ),
    path("exchange/packets/", api_partner.PartnerPacketView.as_view(), name="partner-packets"),
    path(
        "deliveries/",
        api.SendingDeliveryViewSet.as_view({"get": "list"}),
        name="delivery-list",
    ),
    path(
        "deliveries/<int:pk>/retry/",
        api.DeliveryRetryViewSet.as_view({"post": "retry"}),
        name="delivery-retry",
    ),
    path(
        "outgoing-documents/<int:pk>/exchange-changes/",
        api.OutgoingChangeViewSet.as_view({"get": "list"}),
        name="outgoing-document-changes",
    ),
    path(
        "outgoing-documents/<int:pk>/exchange-updates/",
        api.OutgoingChangeViewSet.as_view({"post": "update_send"}),
        name="outgoing-document-update",
    ),
    path(
        "outgoing-documents/<int:pk>/replaces/",
        api.OutgoingChangeViewSet.as_view(
            {"put": "replacement_mark", "delete": "replacement_unmark"}
        ),
        name="outgoing-document-replaces",
    ),
    path(
        "outgoing-documents/<int:pk>/deliveries/",
        api.DeliveryViewSet.as_view({"get": "list"}),
        name="outgoing-document-deliveries",
    ),
    *router.urls,
]

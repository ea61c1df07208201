"""Django admin (/quan-tri-django/) for the partner directory: system administrators only.

The partner directory changes rarely and only system administrators hold its secrets, so
Django's admin is the page for it (no separate UI); bulk loads go through
`vanthu exchange import-partners`. Packets are shown read-only, as evidence.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from vanthu.exchange.models import Packet, Partner


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "base_url", "key_id", "is_hub", "is_active")
    search_fields = ("name", "key_id", "agency_identifiers")
    list_filter = ("is_hub", "is_active")


@admin.register(Packet)
class PacketAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("at", "direction", "kind", "peer", "packet_id", "size")
    list_filter = ("direction", "kind")
    search_fields = ("packet_id", "document_id", "peer")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

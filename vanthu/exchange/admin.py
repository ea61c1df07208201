"""Django admin (/quan-tri-django/) for the partner directory: system administrators only.

The partner directory changes rarely and only system administrators hold its secrets, so
Django's admin is the page for it (no separate UI); bulk loads go through
`vanthu exchange import-partners`. Packets, and the packets refused from authenticated partners
with the answer given, are shown read-only, as evidence; their raw bytes can be downloaded.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import FileResponse, Http404, HttpRequest
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from vanthu.exchange.models import Packet, Partner, RefusedPacket


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


@admin.register(RefusedPacket)
class RefusedPacketAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("last_at", "partner", "status", "code", "peer", "packet_id", "size", "times")
    list_filter = ("status", "code", "partner")
    search_fields = ("packet_id", "document_id", "peer", "sha256")
    readonly_fields = ("raw_link",)

    @admin.display(description="gói tin gốc")
    def raw_link(self, obj: RefusedPacket) -> str:
        url = reverse("admin:exchange_refusedpacket_raw", args=[obj.pk])
        return format_html('<a href="{}">Tải gói tin ({} byte)</a>', url, obj.size)

    def get_urls(self) -> list[URLPattern]:
        raw = path(
            "<int:pk>/goi-tin/",
            self.admin_site.admin_view(self.raw_view),
            name="exchange_refusedpacket_raw",
        )
        return [raw, *super().get_urls()]

    def raw_view(self, request: HttpRequest, pk: int) -> FileResponse:
        """Stream the refused packet's bytes as they came (never rendered)."""
        row = RefusedPacket.objects.filter(pk=pk).first()
        if row is None or not self.has_view_permission(request, row):
            raise Http404
        try:
            handle = row.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=f"{row.packet_id}.edxml",
            content_type="application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

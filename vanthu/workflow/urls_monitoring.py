"""Routes of the monitoring pages; `vanthu.workflow.urls` includes them (namespace "workflow").

/xu-ly/theo-doi/ shows the figures of a scope and period; /xu-ly/theo-doi/van-ban/ lists the
assignments behind one figure. Both read `pham_vi`, `don_vi`, `can_bo`, `tu_ngay`, `den_ngay`;
the list also `nhom` and `sau` (the keyset cursor).
"""

from django.urls import URLPattern, path

from vanthu.workflow import views_monitoring

urlpatterns: list[URLPattern] = [
    path("theo-doi/", views_monitoring.monitoring_page, name="monitoring"),
    path(
        "theo-doi/van-ban/",
        views_monitoring.monitoring_documents_page,
        name="monitoring_documents",
    ),
]

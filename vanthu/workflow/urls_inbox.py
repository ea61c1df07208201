"""Routes of the inbox pages; `vanthu.workflow.urls` includes them (namespace "workflow").

/xu-ly/thong-bao/ lists one's notices; each notice opens through `inbox_open`, which marks it
read and goes to what it is about.
"""

from django.urls import path

from vanthu.workflow import views_inbox

urlpatterns = [
    path("thong-bao/", views_inbox.inbox, name="inbox"),
    path("thong-bao/so-chua-doc/", views_inbox.inbox_badge, name="inbox_badge"),
    path("thong-bao/da-doc-het/", views_inbox.inbox_read_all, name="inbox_read_all"),
    path("thong-bao/<int:notification_id>/", views_inbox.inbox_open, name="inbox_open"),
    path("thong-bao/<int:notification_id>/da-doc/", views_inbox.inbox_read, name="inbox_read"),
]

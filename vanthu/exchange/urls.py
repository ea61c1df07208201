"""URLs of the exchange pages (namespace exchange), under /lien-thong/.

`services.reception_link` writes the path of `reception_detail` into notices: keep them equal.
"""

from django.urls import URLPattern, URLResolver, path

from vanthu.exchange import views, views_changes

app_name = "exchange"
urlpatterns: list[URLPattern | URLResolver] = [
    path("den/", views.reception_list, name="reception_list"),
    path("den/<int:reception_id>/", views.reception_detail, name="reception_detail"),
    path("den/<int:reception_id>/tiep-nhan/", views.reception_receive, name="reception_receive"),
    path("den/<int:reception_id>/tra-lai/", views.reception_return, name="reception_return"),
    path(
        "den/<int:reception_id>/tep/<int:file_id>/",
        views.reception_file,
        name="reception_file",
    ),
    path("gui/<int:delivery_id>/gui-lai/", views.delivery_retry, name="delivery_retry"),
    path("gui-loi/", views.sending_failed_list, name="sending_failed_list"),
    path("goi-tin/<int:message_id>/gui-lai/", views.outbox_retry, name="outbox_retry"),
    path("van-ban-di/<int:document_id>/cap-nhat/", views_changes.update_send, name="update_send"),
    path(
        "van-ban-di/<int:document_id>/thay-the/",
        views_changes.replacement_mark,
        name="replacement_mark",
    ),
    path(
        "van-ban-di/<int:document_id>/bo-thay-the/",
        views_changes.replacement_unmark,
        name="replacement_unmark",
    ),
    path(
        "cap-nhat/<int:change_id>/tep/<int:file_id>/",
        views_changes.change_file,
        name="change_file",
    ),
    path(
        "yeu-cau/<int:request_id>/quyet-dinh/",
        views.change_request_decide,
        name="change_request_decide",
    ),
]

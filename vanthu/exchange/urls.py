"""URLs of the exchange pages (namespace exchange), under /lien-thong/.

`services.reception_link` writes the path of `reception_detail` into notices: keep them equal.
"""

from django.urls import URLPattern, URLResolver, path

from vanthu.exchange import views

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
    path(
        "yeu-cau/<int:request_id>/quyet-dinh/",
        views.change_request_decide,
        name="change_request_decide",
    ),
]

"""URLs of the signature pages (namespace signatures), under /chu-ky-so/."""

from django.urls import URLPattern, path

from vanthu.signatures import views

app_name = "signatures"
urlpatterns: list[URLPattern] = [
    path("van-ban-di/<int:document_id>/ky/", views.outgoing_sign, name="outgoing_sign"),
    path(
        "van-ban-di/<int:document_id>/ban-da-ky/",
        views.outgoing_signed_upload,
        name="outgoing_signed_upload",
    ),
    path("tep/<int:file_id>/", views.file_checks, name="file_checks"),
    path("khoa/", views.signing_keys, name="keys"),
    path("khoa/<int:key_id>/ngung/", views.signing_key_retire, name="key_retire"),
]

"""URLs of the texts pages (namespace texts), under /noi-dung-tep/."""

from django.urls import URLPattern, URLResolver, path

from vanthu.texts import views

app_name = "texts"
urlpatterns: list[URLPattern | URLResolver] = [
    path("van-ban/<str:kind>/<int:document_id>/", views.panel, name="panel"),
    path("<int:file_id>/", views.file_text, name="file_text"),
    path("<int:file_id>/ban-tim-kiem/", views.searchable_copy, name="searchable_copy"),
    path("<int:file_id>/trich-xuat-lai/", views.rerun, name="rerun"),
]

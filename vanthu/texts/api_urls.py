"""API routes of the texts app, under /api/v1/ (namespace texts-api), nested under a
document's files as their content is. Every route here must have rows in the isolation matrix
(`tests/test_api.py`), which checks that it covers each (route, method) pair."""

from django.urls import URLPattern, URLResolver, path

from vanthu.texts import api

app_name = "texts-api"
urlpatterns: list[URLPattern | URLResolver] = []
for _prefix, _view, _name in (
    ("incoming-documents", api.IncomingFileTextViewSet, "incoming"),
    ("outgoing-documents", api.OutgoingFileTextViewSet, "outgoing"),
):
    _base = f"{_prefix}/<int:pk>/files/<int:file_id>/text/"
    urlpatterns += [
        path(_base, _view.as_view({"get": "retrieve"}), name=f"{_name}-file-text"),
        path(
            f"{_base}extract/",
            _view.as_view({"post": "extract"}),
            name=f"{_name}-file-text-extract",
        ),
        path(
            f"{_base}searchable/",
            _view.as_view({"get": "searchable"}),
            name=f"{_name}-file-text-searchable",
        ),
    ]

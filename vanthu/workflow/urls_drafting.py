"""URLs of the drafting pages; included by `vanthu.workflow.urls` (namespace workflow, /xu-ly/)."""

from django.urls import URLPattern, path

from vanthu.workflow import views_drafting as views

urlpatterns: list[URLPattern] = [
    path("du-thao/", views.draft_mine, name="draft_mine"),
    path("du-thao/cho-duyet/", views.draft_inbox, name="draft_inbox"),
    path("du-thao/soan/", views.draft_create, name="draft_create"),
    path("du-thao/quy-trinh/", views.draft_routes, name="draft_routes"),
    path("du-thao/<int:draft_id>/", views.draft_detail, name="draft_detail"),
    path(
        "du-thao/<int:draft_id>/phien-ban/",
        views.draft_version_upload,
        name="draft_version_upload",
    ),
    path("du-thao/<int:draft_id>/trinh/", views.draft_submit, name="draft_submit"),
    path("du-thao/<int:draft_id>/duyet/", views.draft_approve, name="draft_approve"),
    path("du-thao/<int:draft_id>/tra-lai/", views.draft_return, name="draft_return"),
    path("du-thao/<int:draft_id>/gop-y/", views.draft_comment, name="draft_comment"),
]

from django.urls import path

from vanthu.intake import batch_views, views

app_name = "intake"

urlpatterns = [
    path("", views.intake_upload, name="upload"),
    path("<int:item_id>/", views.intake_item, name="item"),
    path("<int:item_id>/vao-so/", views.intake_register, name="register"),
    path("<int:item_id>/xoa/", views.intake_discard, name="discard"),
    path("<int:item_id>/tep/", views.intake_file, name="file"),
    path("lo-quet/", batch_views.batch_upload, name="batch_upload"),
    path("lo-quet/trang-tach.pdf", batch_views.separator_sheet, name="separator_sheet"),
    path("lo-quet/<int:batch_id>/", batch_views.batch_detail, name="batch"),
    path("lo-quet/<int:batch_id>/chuyen/", batch_views.batch_move, name="batch_move"),
    path("lo-quet/<int:batch_id>/tao-van-ban/", batch_views.batch_commit, name="batch_commit"),
    path("lo-quet/<int:batch_id>/xoa/", batch_views.batch_discard, name="batch_discard"),
    path(
        "lo-quet/<int:batch_id>/trang/<int:page_id>/anh/",
        batch_views.batch_thumbnail,
        name="batch_thumbnail",
    ),
    path(
        "lo-quet/<int:batch_id>/trang/<int:page_id>/<slug:operation>/",
        batch_views.batch_page_operation,
        name="batch_page",
    ),
]

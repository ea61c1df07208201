"""URLs of handling and direction (namespace workflow), under /xu-ly/."""

from django.urls import URLPattern, URLResolver, path

from vanthu.workflow import urls_drafting, urls_inbox, urls_monitoring
from vanthu.workflow import views_handling as views

app_name = "workflow"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.my_work_page, name="my_work"),
    path("van-ban-den/<int:incoming_id>/trinh/", views.submit, name="submit"),
    path("trinh/<int:submission_id>/rut-lai/", views.withdraw, name="withdraw"),
    path("trinh/<int:submission_id>/chi-dao/", views.direct, name="direct"),
    path("giao/<int:assignment_id>/<slug:action>/", views.act, name="act"),
    path("gia-han/<int:request_id>/", views.decide_extension, name="decide_extension"),
    *urls_drafting.urlpatterns,
    *urls_inbox.urlpatterns,
    *urls_monitoring.urlpatterns,
]

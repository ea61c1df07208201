"""URLs of the agency administration pages (namespace staff), under /co-quan/."""

from django.urls import path
from django.views.generic import RedirectView

from vanthu.organizations.views import staff

app_name = "staff"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="staff:person_list"), name="index"),
    path("don-vi/", staff.unit_list, name="unit_list"),
    path("don-vi/them/", staff.unit_create, name="unit_create"),
    path("don-vi/<int:unit_id>/", staff.unit_detail, name="unit_detail"),
    path("don-vi/<int:unit_id>/sua/", staff.unit_edit, name="unit_edit"),
    path("can-bo/", staff.person_list, name="person_list"),
    path("can-bo/them/", staff.person_create, name="person_create"),
    path("can-bo/them/dong-vai-tro/", staff.person_grant_row, name="person_grant_row"),
    path("can-bo/<int:person_id>/", staff.person_detail, name="person_detail"),
    path("can-bo/<int:person_id>/sua/", staff.person_edit, name="person_edit"),
    path(
        "can-bo/<int:person_id>/dat-lai-mat-khau/",
        staff.person_password,
        name="person_password",
    ),
    path("can-bo/<int:person_id>/vai-tro/them/", staff.grant_add, name="grant_add"),
    path(
        "can-bo/<int:person_id>/vai-tro/<int:grant_id>/bo/",
        staff.grant_remove,
        name="grant_remove",
    ),
    path("chuc-vu/", staff.position_list, name="position_list"),
]

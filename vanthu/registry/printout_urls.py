"""URLs of the printable register books, included by registry/urls.py under /van-ban/in-so/."""

from django.urls import path

from vanthu.registry.views import printouts

urlpatterns = [
    path("", printouts.printout_form, name="printout_form"),
    path("tai/", printouts.printout_download, name="printout_download"),
]

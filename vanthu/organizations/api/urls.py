"""API routes of organisations, under /api/v1/.

Every route here must have rows in the isolation matrix (`tests/test_api_isolation.py`), which
checks that it covers each (route, method) pair.
"""

from django.urls import path
from rest_framework.routers import SimpleRouter

from vanthu.organizations.api import account, views

router = SimpleRouter(use_regex_path=False)
router.register("agencies", views.AgencyViewSet, basename="agency")
router.register("units", views.UnitViewSet, basename="unit")
router.register("positions", views.PositionViewSet, basename="position")
router.register("people", views.PersonViewSet, basename="person")
router.register("role-grants", views.RoleGrantViewSet, basename="role-grant")

app_name = "organizations-api"
urlpatterns = [
    path("me/", account.MeView.as_view(), name="me"),
    path("auth/token/", account.TokenView.as_view(), name="auth-token"),
    *router.urls,
]

"""API routes of organisations."""

urlpatterns: list = []

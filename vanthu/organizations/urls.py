"""Interface URLs of organisations, sign-in and the dashboard."""

urlpatterns: list = []

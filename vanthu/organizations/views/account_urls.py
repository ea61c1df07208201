"""URLs of sign-in, account and dashboard."""

urlpatterns: list = []

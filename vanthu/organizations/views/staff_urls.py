"""URLs of the agency administration pages (namespace staff)."""

app_name = "staff"
urlpatterns: list = []

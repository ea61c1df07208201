from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "vanthu.organizations"
    label = "organizations"
    verbose_name = "Cơ quan, đơn vị và cán bộ"

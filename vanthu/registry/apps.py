from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "vanthu.registry"
    label = "registry"
    verbose_name = "Văn bản đến, văn bản đi"

    def ready(self) -> None:
        from vanthu.organizations.dashboard_cards import dashboard_card_register
        from vanthu.organizations.signals import agencies_created, demo_data_loaded
        from vanthu.registry.demo import on_demo_data_loaded
        from vanthu.registry.setup import on_agencies_created
        from vanthu.registry.views.dashboard import clerk_card

        agencies_created.connect(on_agencies_created, dispatch_uid="registry.agency_defaults")
        demo_data_loaded.connect(on_demo_data_loaded, dispatch_uid="registry.demo")
        dashboard_card_register("registry.clerk", clerk_card, order=10)

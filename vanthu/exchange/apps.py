from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "vanthu.exchange"
    label = "exchange"
    verbose_name = "Liên thông văn bản"

    def ready(self) -> None:
        from vanthu.exchange.demo import on_demo_data_loaded
        from vanthu.exchange.panels import clerk_card, deliveries_panel
        from vanthu.exchange.services import (
            on_handling_stage_reached,
            on_outgoing_revoked,
            on_outgoing_sent,
        )
        from vanthu.organizations.dashboard_cards import dashboard_card_register
        from vanthu.organizations.signals import demo_data_loaded
        from vanthu.registry.detail_panels import detail_panel_register
        from vanthu.registry.signals import outgoing_revoked, outgoing_sent
        from vanthu.workflow.signals import handling_stage_reached

        outgoing_sent.connect(on_outgoing_sent, dispatch_uid="exchange.deliver")
        outgoing_revoked.connect(on_outgoing_revoked, dispatch_uid="exchange.take_back")
        handling_stage_reached.connect(on_handling_stage_reached, dispatch_uid="exchange.status")
        demo_data_loaded.connect(on_demo_data_loaded, dispatch_uid="exchange.demo")
        # The sender's view on the outgoing page, after the signatures; the clerk's card after
        # the registers' one (order 10).
        detail_panel_register("outgoing", "exchange", deliveries_panel, order=50)
        from vanthu.exchange.views_changes import changes_panel

        detail_panel_register("outgoing", "exchange.changes", changes_panel, order=51)
        dashboard_card_register("exchange.clerk", clerk_card, order=15)

from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "vanthu.exchange"
    label = "exchange"
    verbose_name = "Liên thông văn bản"

    def ready(self) -> None:
        from vanthu.exchange.services import (
            on_handling_stage_reached,
            on_outgoing_issued,
            on_outgoing_revoked,
        )
        from vanthu.registry.signals import outgoing_issued, outgoing_revoked
        from vanthu.workflow.signals import handling_stage_reached

        outgoing_issued.connect(on_outgoing_issued, dispatch_uid="exchange.deliver")
        outgoing_revoked.connect(on_outgoing_revoked, dispatch_uid="exchange.take_back")
        handling_stage_reached.connect(on_handling_stage_reached, dispatch_uid="exchange.status")

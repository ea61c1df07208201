from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "vanthu.workflow"
    label = "workflow"
    verbose_name = "Xử lý, chỉ đạo, điều hành"

    def ready(self) -> None:
        from vanthu.organizations.dashboard_cards import dashboard_card_register
        from vanthu.organizations.signals import demo_data_loaded
        from vanthu.registry.detail_panels import detail_panel_register
        from vanthu.registry.signals import outgoing_issue_checking, outgoing_issuing
        from vanthu.workflow.demo import on_demo_data_loaded
        from vanthu.workflow.drafting import (
            ISSUE_CHECK_DISPATCH_UID,
            ISSUE_DISPATCH_UID,
            on_outgoing_issue_checking,
            on_outgoing_issuing,
        )
        from vanthu.workflow.views_handling import handling_panel
        from vanthu.workflow.views_monitoring import monitoring_card_provider

        detail_panel_register("incoming", "workflow", handling_panel, order=5)
        dashboard_card_register("workflow.monitoring", monitoring_card_provider, order=20)
        outgoing_issue_checking.connect(
            on_outgoing_issue_checking, dispatch_uid=ISSUE_CHECK_DISPATCH_UID
        )
        outgoing_issuing.connect(on_outgoing_issuing, dispatch_uid=ISSUE_DISPATCH_UID)
        demo_data_loaded.connect(on_demo_data_loaded, dispatch_uid="workflow.demo")

from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "vanthu.workflow"
    label = "workflow"
    verbose_name = "Xử lý, chỉ đạo, điều hành"

    def ready(self) -> None:
        from vanthu.registry.detail_panels import detail_panel_register
        from vanthu.workflow.views_handling import handling_panel

        detail_panel_register("incoming", "workflow", handling_panel, order=5)

from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "vanthu.intake"
    label = "intake"
    verbose_name = "Nhập văn bản từ tệp"

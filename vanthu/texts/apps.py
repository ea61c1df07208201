from django.apps import AppConfig


class TextsConfig(AppConfig):
    name = "vanthu.texts"
    label = "texts"
    verbose_name = "Nội dung tệp"

    def ready(self) -> None:
        from vanthu.texts import hooks

        hooks.connect()

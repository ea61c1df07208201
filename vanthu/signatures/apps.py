from django.apps import AppConfig


class SignaturesConfig(AppConfig):
    name = "vanthu.signatures"
    label = "signatures"
    verbose_name = "Chữ ký số"

    def ready(self) -> None:
        from vanthu.signatures import hooks

        hooks.connect()

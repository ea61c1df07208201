from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "vanthu.search"
    label = "search"
    verbose_name = "Tìm kiếm toàn văn"

    def ready(self) -> None:
        from vanthu.search import hooks

        hooks.connect()

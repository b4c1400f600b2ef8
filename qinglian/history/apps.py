from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "qinglian.history"
    label = "history"
    verbose_name = "历史版本"

    def ready(self) -> None:
        from qinglian.history import services

        services.connect()

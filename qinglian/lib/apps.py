from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "qinglian.lib"
    label = "lib"
    verbose_name = "公共组件"

    def ready(self) -> None:
        from qinglian.lib import checks  # noqa: F401

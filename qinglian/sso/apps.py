from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "qinglian.sso"
    label = "sso"
    verbose_name = "统一身份认证"

    def ready(self) -> None:
        from qinglian.sso import checks  # noqa: F401  (registers the configuration check)

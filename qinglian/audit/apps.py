from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "qinglian.audit"
    label = "audit"
    verbose_name = "操作日志"

    def ready(self) -> None:
        from qinglian.audit import signals  # noqa: F401  (log-in/log-out entries)

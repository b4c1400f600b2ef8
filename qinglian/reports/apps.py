from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "qinglian.reports"
    label = "reports"
    verbose_name = "报告"

    def ready(self) -> None:
        from qinglian.reports.person import PREFIX, person_definitions
        from qinglian.stats.definitions import add_source

        add_source(PREFIX.rstrip("."), person_definitions)

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "qinglian.reports"
    label = "reports"
    verbose_name = "报告"

    def ready(self) -> None:
        from qinglian.reports import integrity, person
        from qinglian.stats.definitions import add_source

        add_source(person.PREFIX.rstrip("."), person.person_definitions)
        add_source(integrity.PREFIX.rstrip("."), integrity.integrity_definitions)

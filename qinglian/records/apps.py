from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "qinglian.records"
    label = "records"
    verbose_name = "全程纪实"

    def ready(self) -> None:
        from qinglian.records.stats import register_all

        register_all()

        from qinglian.org.services import on_unit_moved
        from qinglian.records.services import rollup_rebuild

        on_unit_moved(rollup_rebuild)

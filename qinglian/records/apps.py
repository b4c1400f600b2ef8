from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "qinglian.records"
    label = "records"
    verbose_name = "全程纪实"

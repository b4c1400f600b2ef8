from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "qinglian.reports"
    label = "reports"
    verbose_name = "报告"

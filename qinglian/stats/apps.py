from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "qinglian.stats"
    label = "stats"
    verbose_name = "统计"

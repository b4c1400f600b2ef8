from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "qinglian.dashboard"
    label = "dashboard"
    verbose_name = "工作看板"

from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "qinglian.returns"
    label = "returns"
    verbose_name = "上级报表"

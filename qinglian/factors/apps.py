from django.apps import AppConfig


class FactorsConfig(AppConfig):
    name = "qinglian.factors"
    label = "factors"
    verbose_name = "动态口令"

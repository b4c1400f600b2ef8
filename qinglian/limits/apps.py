from django.apps import AppConfig


class LimitsConfig(AppConfig):
    name = "qinglian.limits"
    label = "limits"
    verbose_name = "频率限制"

from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "qinglian.notify"
    label = "notify"
    verbose_name = "提醒"

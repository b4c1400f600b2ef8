from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "qinglian.publicity"
    label = "publicity"
    verbose_name = "宣传与舆情"

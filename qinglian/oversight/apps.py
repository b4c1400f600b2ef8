from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "qinglian.oversight"
    label = "oversight"
    verbose_name = "监督视图"

from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "qinglian.org"
    label = "org"
    verbose_name = "单位与账号"

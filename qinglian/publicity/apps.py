from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "qinglian.publicity"
    label = "publicity"
    verbose_name = "宣传与舆情"

    def ready(self) -> None:
        from qinglian.publicity.providers import OPINION, PUBLICITY, REVIEW
        from qinglian.stats.registry import register

        register(PUBLICITY)
        register(OPINION)
        register(REVIEW)

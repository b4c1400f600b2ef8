from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "qinglian.jobs"
    label = "jobs"
    verbose_name = "后台任务"

    def ready(self) -> None:
        # Each app's optional `jobs` module registers its handlers (like admin.autodiscover); the built-in
        # handlers and the periodic schedule live in qinglian.jobs.schedule.
        from django.utils.module_loading import autodiscover_modules

        from qinglian.jobs import schedule  # noqa: F401

        autodiscover_modules("jobs")

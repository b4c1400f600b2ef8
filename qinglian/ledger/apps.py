from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "qinglian.ledger"
    label = "ledger"
    verbose_name = "整改台账"

    def ready(self) -> None:
        from qinglian.ledger.stats import LedgerProvider
        from qinglian.stats.registry import register

        register(LedgerProvider())

        from qinglian.ledger.services import ledger_sync_positions
        from qinglian.org.services import on_unit_moved

        on_unit_moved(ledger_sync_positions)

        from django.db.models.signals import post_delete, post_save

        from qinglian.ledger import calendar
        from qinglian.ledger.models import HolidayArrangement

        for signal in (post_save, post_delete):
            signal.connect(lambda **_: calendar.forget(), sender=HolidayArrangement, weak=False,
                           dispatch_uid=f"ledger-calendar-{signal is post_save}")

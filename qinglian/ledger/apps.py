from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "qinglian.ledger"
    label = "ledger"
    verbose_name = "整改台账"

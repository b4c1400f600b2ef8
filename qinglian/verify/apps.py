from django.apps import AppConfig


class VerifyConfig(AppConfig):
    """验证 beside the ledger (issue #17): 牵头/配合单位, 延期, 完成 → 验收, 提前/按期/逾期, recurrence in the
    watch window. It joins the ledger through the ledger's hooks (`ledger.services.on_closure`,
    `ledger.selectors.share_measures`); the ledger imports nothing from here."""

    name = "qinglian.verify"
    label = "verify"
    verbose_name = "整改验收"

    def ready(self) -> None:
        from qinglian.verify import hooks

        hooks.install()

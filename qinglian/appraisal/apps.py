from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    """考核 by rules published at the start of the year (DESIGN §7): indicators read outcomes only, from the
    closed catalogue in `appraisal.catalogue`; a published rule set is locked; every unit of the publisher's
    subtree is scored with the working kept."""

    name = "qinglian.appraisal"
    label = "appraisal"
    verbose_name = "年度考核"

"""Writes on publications and rules, and the refusal helper every publicity service uses."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from qinglian.audit.models import Action
from qinglian.audit.services import audit_log
from qinglian.lib.dates import not_in_future
from qinglian.lib.services import record_create, record_update
from qinglian.org.models import Unit
from qinglian.org.scoping import may_write_unit
from qinglian.publicity.models import Publication, PublicityRule


class Refused(Exception):
    """A change the rules forbid. The message is a Chinese sentence saying what to do instead."""


@contextmanager
def refusals_audited(*, user: Any, obj: Any, what: str) -> Iterator[None]:
    """Run a change; if it is refused, record the attempt in the audit trail in a transaction of its own.

    The refused change's own transaction (opened inside this block) has rolled back by the time the
    exception reaches here, so the audit row is kept while nothing of the change is.
    """
    try:
        yield
    except Refused as exc:
        with transaction.atomic():
            audit_log(action=Action.REFUSED, summary=f"{what}被拒绝：{exc}", actor=user, obj=obj)
        raise


def ensure_writer(user: Any, unit: Unit) -> None:
    if not may_write_unit(user, unit):
        raise Refused(f"您无权修改“{unit.name}”的记录。")


def publication_create(*, user: Any, publication: Publication, clipping: UploadedFile | None = None) -> Publication:
    with refusals_audited(user=user, obj=publication.unit, what="录入宣传稿件"), transaction.atomic():
        ensure_writer(user, publication.unit)
        check_published_on(publication.published_on)
        if clipping is not None:
            publication.clipping.save(clipping.name, clipping, save=False)
        publication.set_entry_lag(timezone.localdate())
        return record_create(user=user, obj=publication, summary=f"录入宣传稿件：{publication.title}")


def publication_update(*, user: Any, publication: Publication, data: dict[str, Any], version: int,
                       clipping: UploadedFile | None = None) -> Publication:
    with refusals_audited(user=user, obj=publication, what="修改宣传稿件"), transaction.atomic():
        ensure_writer(user, publication.unit)
        if "unit" in data:
            ensure_writer(user, data["unit"])
        check_published_on(data.get("published_on"))
        if clipping is not None:
            publication.clipping.save(clipping.name, clipping, save=False)
            data = {**data, "clipping": publication.clipping.name}
        if "published_on" in data:
            entered = timezone.localtime(publication.created_at).date()
            data = {**data, "entry_lag": max(0, (entered - data["published_on"]).days)}
        return record_update(user=user, obj=publication, data=data, version=version,
                             summary=f"修改宣传稿件：{publication.title}")


def check_published_on(published_on: Any) -> None:
    """A piece is entered once it ran (or was sent): its date cannot lie ahead."""
    not_in_future(published_on, what="刊发（报送）日期", field="published_on",
                  hint="请填写媒体实际刊发或报送的日期。")


def publicity_rule_save(*, user: Any, unit: Unit, data: dict[str, Any]) -> PublicityRule:
    with refusals_audited(user=user, obj=unit, what="修改宣传计分规则"), transaction.atomic():
        ensure_writer(user, unit)
        rule = PublicityRule.objects.filter(unit=unit).first()
        if rule is None:
            return record_create(user=user, obj=PublicityRule(unit=unit, **data),
                                 summary=f"设置宣传计分规则：{unit.full_name}")
        return record_update(user=user, obj=rule, data=data, version=rule.version,
                             summary=f"修改宣传计分规则：{unit.full_name}")

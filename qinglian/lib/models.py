"""What every business record inherits: who/when, a version for optimistic locking, soft delete.

Writes go through `qinglian.lib.services` (record_create/record_update/record_delete/record_restore), which
check the version, keep the audit row in the same transaction and never remove a row.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Self

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, models, transaction
from django.db.models.expressions import RawSQL

from qinglian.lib import tracking


def _bounds(page: slice) -> tuple[int, int]:
    """A page's first row and the row after its last; a page is a bounded, forward slice."""
    start, stop = page.start or 0, page.stop
    if stop is None or page.step is not None or start < 0 or stop < start:
        raise ValueError("a page is a bounded slice of rows, such as [50:101]")
    return start, stop


class PageFirst:
    """A page of `rows` chosen on `chosen`: the filtered, ordered candidates (one table, one index range where
    there is one) give the page's ids, and only those ids are read from `rows` (the visibility rule and the
    shape: `.values(…)`, `.select_related(…)`), in `chosen`'s order. With the joins in the same statement
    PostgreSQL hashed every joined table and sorted all the matches for each page (18-25 ms at 10,000 units
    where the ids take 1-2). `chosen` must lie within what `rows` may show; `rows` is the rule.

    The page's bounds are bound parameters (Django writes a slice's LIMIT and OFFSET into the text): every
    page of one question is then one statement text, which PostgreSQL prepares once and plans once per
    connection instead of planning each page anew (planning cost more than running it: 1.1 of 1.7 ms)."""

    def __init__(self, chosen: models.QuerySet[Any], rows: models.QuerySet[Any]) -> None:
        self.chosen, self.rows = chosen, rows

    def __getitem__(self, page: slice) -> models.QuerySet[Any]:
        start, stop = _bounds(page)
        try:
            sql, params = self.chosen.values("pk").query.sql_with_params()
        except EmptyResultSet:  # chosen.none(): nothing to page
            return self.rows.none()
        picked = RawSQL(f"{sql} LIMIT %s OFFSET %s", (*params, stop - start, start))  # the ORM's own text  # nosec B611
        return self.rows.filter(pk__in=picked).order_by(*self.chosen.query.order_by)


@dataclass(frozen=True)
class Chosen:
    """A page's candidates written as plain SQL over one table: `where` (its `%s` parameters in `params`), in the
    order of `order` (column names, "-" for descending). For a page whose queryset cost more to build than to
    answer; a test holds it equal to what the queryset would choose."""

    model: type[models.Model]
    where: str
    params: tuple[Any, ...]
    order: tuple[str, ...]


class ValuesPage:
    """`PageFirst` for plain values, at the cost of one statement: the page's ids are chosen as there (bounds
    bound), and the rows are read through a statement compiled once per `key` from `rows()` (the rule, the
    columns, the order): the same text and parameters for everyone whose rule is the same
    (`org.scoping.rule_key`). Building and compiling the rows' queryset and making its values
    cost more than PostgreSQL spent answering them (1 ms of Python against 0.6 ms).

    `rows()` must be a `.values(*names)` queryset (the rule and the shape); it is read in `chosen`'s order, for
    the ids of `PAGE`, the page's ids as a CTE. `chosen` is a queryset, or a `Chosen` written by hand. Values
    come as the database gives them, with dates made dates (SQLite keeps them as text)."""

    PAGE = "ql_page"
    _statements: dict[tuple[Any, ...], tuple[str, tuple[Any, ...], tuple[int, ...]]] = {}

    def __init__(self, chosen: models.QuerySet[Any] | Chosen | None, rows: Callable[[], models.QuerySet[Any]],
                 names: Sequence[str], key: tuple[Any, ...], few: bool = False) -> None:
        """`chosen` None: nothing to page."""
        self.chosen, self.rows, self.names, self.few = chosen, rows, tuple(names), few
        self.order = (chosen.order if isinstance(chosen, Chosen) else
                      tuple(str(o) for o in chosen.query.order_by) if chosen is not None else ())
        self.key = (getattr(chosen, "model", None), connection.vendor, self.names, self.order, *key)

    def _statement(self) -> tuple[str, tuple[Any, ...], tuple[int, ...]]:
        found = self._statements.get(self.key)
        if found is None:
            qs = (self.rows().filter(pk__in=RawSQL(f"SELECT id FROM {self.PAGE}", ()))  # a fixed name  # nosec B611
                  .order_by(*self.order))
            sql, params = qs.query.sql_with_params()
            fields = [_field(qs.model, name) for name in self.names]
            dates = tuple(i for i, f in enumerate(fields)
                          if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField))
            found = (sql, tuple(params), dates)
            if len(self._statements) > 4096:  # many scopes × clearances: start again rather than grow
                self._statements.clear()
            self._statements[self.key] = found
        return found

    def _chosen(self) -> tuple[str, tuple[Any, ...]]:
        """The ids in order, from the candidates as a derived table (which PostgreSQL and SQLite fold into the
        statement). `few` (the filters leave a few hundred rows, as a 黄色/绿色预警 window does): on PostgreSQL the
        candidates are read whole by their own index behind a fence (`OFFSET 0`) and then sorted; otherwise the
        plan prepared for every page (its bounds are parameters) walks the ledger order, which suits a filter
        that keeps many rows and cost a window's eighth page 10 ms of rows dropped on the way."""
        if self.chosen is None:
            raise EmptyResultSet
        q = connection.ops.quote_name
        columns = [o.lstrip("-") for o in self.order]
        if isinstance(self.chosen, Chosen):
            c = self.chosen
            select = (f"SELECT {q(c.model._meta.pk.column)} AS pk{''.join(f', {q(x)}' for x in columns)} "  # nosec B608
                      f"FROM {q(c.model._meta.db_table)} WHERE {c.where}")
            params: Sequence[Any] = c.params
        else:
            select, params = self.chosen.order_by().values("pk", *columns).query.sql_with_params()
        fence = " OFFSET 0" if self.few and connection.vendor == "postgresql" else ""
        by = ", ".join(f"c.{q(o.lstrip('-'))}{' DESC' if o.startswith('-') else ''}" for o in self.order) or "c.pk"
        return f"SELECT c.pk FROM ({select}{fence}) c ORDER BY {by}", tuple(params)  # the ORM's own text  # nosec B608

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        start, stop = _bounds(page)
        try:
            chosen_sql, chosen_params = self._chosen()
        except EmptyResultSet:
            return []
        rows_sql, rows_params, dates = self._statement()
        with connection.cursor() as cursor, _planned(self.few):
            cursor.execute(f"WITH {self.PAGE}(id) AS ({chosen_sql} LIMIT %s OFFSET %s) {rows_sql}",  # the ORM's own texts  # nosec B608
                           (*chosen_params, stop - start, start, *rows_params))
            found = cursor.fetchall()
        out = []
        for row in found:
            values = dict(zip(self.names, row, strict=True))
            for i in dates:
                if isinstance(row[i], str):
                    values[self.names[i]] = dt.date.fromisoformat(row[i])
            out.append(values)
        return out


@contextlib.contextmanager
def _planned(few: bool) -> Iterator[None]:
    """How PostgreSQL plans a page's statement when statements are prepared (settings: QINGLIAN_PG_PREPARED).

    Its one text serves every page, so it is prepared; but PostgreSQL keeps the plan made for any page only
    while that plan's estimate beats the plans made for the values, and the estimate of a generic plan grows
    with the table (a LIMIT it cannot read is taken as a tenth of the rows): at 10× the measures elsewhere a
    county's page was planned anew every time (0.9 ms), for the same index range. So the generic plan is
    required for the statement (two short statements around it, outside a transaction). `few`: the other way,
    unprepared and planned for its values: a window of deadlines is planned generically as if any status
    matched few rows, and PostgreSQL then intersected 60,000 index entries for 1,800 rows (9 ms against 3)."""
    raw = connection.connection if connection.vendor == "postgresql" else None
    threshold = getattr(raw, "prepare_threshold", None)
    if threshold is None:  # SQLite, or no prepared statements: planned for its values every time anyway
        yield
    elif few:
        raw.prepare_threshold = None
        try:
            yield
        finally:
            raw.prepare_threshold = threshold
    elif connection.in_atomic_block:  # a SET would outlive the statement in the transaction: as it comes
        yield
    else:
        with connection.cursor() as cursor:
            cursor.execute("SET plan_cache_mode = force_generic_plan")
            try:
                yield
            finally:
                cursor.execute("RESET plan_cache_mode")


def _field(model: type[models.Model], name: str) -> Any:
    """The field a `values()` name ends at (`problem__text`: Problem.text)."""
    *path, last = name.split("__")
    for part in path:
        model = model._meta.get_field(part).related_model
    return model._meta.get_field(last)


class SecurityLabel(models.TextChoices):
    """密级 of a record as this system knows it. 涉密 (classified) material does not belong here at all: forms and
    imports refuse it (DESIGN §6)."""

    PUBLIC = "public", "公开"
    INTERNAL = "internal", "内部"
    SENSITIVE = "sensitive", "敏感"


# An account's clearance reaches the labels up to its own, in this order.
LABEL_ORDER = (SecurityLabel.PUBLIC, SecurityLabel.INTERNAL, SecurityLabel.SENSITIVE)


def labels_within(clearance: str) -> list[str]:
    """The labels an account of `clearance` may see (an unknown clearance sees only 公开)."""
    values = [label.value for label in LABEL_ORDER]
    return values[: values.index(clearance) + 1] if clearance in values else values[:1]


def label_q(model: type[models.Model], clearance: str) -> models.Q:
    """The rows of `model` whose label, and the label of each record on the way to its unit (an activity's
    attachment, a risk point's control), lie within `clearance`: a record above it is out of reach like a
    record of another unit."""
    labels = labels_within(clearance)
    q = models.Q(security_label__in=labels)
    current, path = model, []
    for part in getattr(model, "unit_field", "unit").split("__")[:-1]:
        field = current._meta.get_field(part)
        current, path = field.related_model, [*path, part]
        if any(f.name == "security_label" for f in current._meta.concrete_fields):
            q &= models.Q(**{"__".join(path) + "__security_label__in": labels})
    return q


def readable_ids(rows: models.QuerySet[Any] | models.Manager[Any], ids: Iterable[int], clearance: str | None,
                 chunk: int = 2000) -> set[int]:
    """Which of `ids` among `rows` a reader of `clearance` may read, by `label_q` (as in `visible_to`); None:
    the system itself reads them all. Asked `chunk` ids at a time, however many there are."""
    within = models.Q() if clearance is None else label_q(rows.model, clearance)
    ordered = sorted(set(ids))
    found: set[int] = set()
    for i in range(0, len(ordered), chunk):
        found |= set(rows.filter(within, pk__in=ordered[i:i + chunk]).values_list("pk", flat=True))
    return found


class RecordQuerySet(models.QuerySet):
    def alive(self) -> Self:
        return self.filter(deleted_at__isnull=True)

    def deleted(self) -> Self:
        return self.filter(deleted_at__isnull=False)

    def visible_to(self, user: Any) -> Self:
        """The one scoping rule for every business list, detail, export and search (see org.scoping).

        `objects` already hides soft-deleted rows; `with_deleted.visible_to(user)` is for restore pages.
        """
        from qinglian.org.scoping import visible_unit_q

        scoped = self.filter(visible_unit_q(user, self.model.unit_field))
        if self.model.unit_field == "self":  # units themselves carry no content: the tree stays visible
            return scoped
        return scoped.filter(label_q(self.model, getattr(user, "clearance", "")))

    def delete(self) -> tuple[int, dict[str, int]]:  # pragma: no cover - guard
        raise PermissionError("Business rows are soft-deleted through record_delete(), never removed.")

    # Bulk writes leave history only inside tracking.bulk(); elsewhere they may touch untracked columns only.
    def update(self, **kwargs: Any) -> int:
        scope = tracking.check_bulk(self.model, kwargs, "update")
        if scope is None:
            return super().update(**kwargs)
        with transaction.atomic():
            pks = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
        scope.touch(self.model, pks)
        return count

    def bulk_update(self, objs: Any, fields: Any, *args: Any, **kwargs: Any) -> int:
        objs = list(objs)
        scope = tracking.check_bulk(self.model, fields, "bulk_update")
        with tracking.inner():
            count = super().bulk_update(objs, fields, *args, **kwargs)
        if scope is not None:
            scope.touch(self.model, [o.pk for o in objs])
        return count

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
        """As Django's, inside tracking.bulk() only; then the encrypted fields that waited for the new rows'
        keys are sealed (crypto.fields)."""
        from qinglian.crypto.fields import seal_pending

        scope = tracking.check_bulk(self.model, (), "bulk_create")
        created = super().bulk_create(objs, *args, **kwargs)
        seal_pending(created)
        if scope is not None:
            if any(o.pk is None for o in created):
                raise tracking.UntrackedWrite("bulk_create did not return the new rows' ids")
            scope.touch(self.model, [o.pk for o in created], created=True)
        return created


class AliveManager(models.Manager.from_queryset(RecordQuerySet)):  # type: ignore[misc]
    """The default manager hides soft-deleted rows; `with_deleted` sees them all."""

    def get_queryset(self) -> RecordQuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


AllManager = models.Manager.from_queryset(RecordQuerySet)


class Record(models.Model):
    """Abstract base of every business record."""

    # Name of the field (path) that holds the owning Unit; subclasses override it.
    unit_field = "unit"

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField("最后修改时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="最后修改人", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField("版本", default=1, help_text="每次修改加一，用于发现并发修改。")
    # No index: almost every row is NULL here, and an index on it misleads the query planner.
    deleted_at = models.DateTimeField("删除时间", null=True, blank=True)
    security_label = models.CharField(
        "密级", max_length=10, choices=SecurityLabel.choices, default=SecurityLabel.INTERNAL,
        help_text="公开、内部或敏感；敏感记录只有敏感级账号可见，其文字内容加密存储。涉密材料不得录入本系统。")

    objects = AliveManager()
    with_deleted = AllManager()

    class Meta:
        abstract = True
        base_manager_name = "with_deleted"

    # Fields that are bookkeeping, not content: left out of audit snapshots and conflict reports.
    BOOKKEEPING = frozenset({"created_at", "created_by", "updated_at", "updated_by", "version", "deleted_at"})
    # Denormalised and count columns, derived from other data: a bulk update of these alone needs no history.
    # `late` (补录) is derived from the moment of entry and the late-entry setting (`qinglian stats --rebuild`).
    UNTRACKED_FIELDS: frozenset[str] = frozenset({"late"})

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Every write of a record reaches its history (lib.tracking) in the same transaction."""
        created = self._state.adding
        with transaction.atomic():
            super().save(*args, **kwargs)
            tracking.saved(self, created)

    def snapshot(self) -> dict[str, Any]:
        """The record's content as plain JSON-able data, for audit rows and conflict messages."""
        data: dict[str, Any] = {}
        for field in self._meta.concrete_fields:
            if field.name in self.BOOKKEEPING or field.primary_key:
                continue
            if getattr(field, "sealed", False) and field.seals(self):
                data[field.name] = field.fingerprint(self)  # that it changed, never its value
                continue
            value = getattr(self, field.attname)
            if isinstance(value, (str, int, float, bool)) or value is None:
                data[field.name] = value
            else:
                data[field.name] = str(value)
        return data

    @classmethod
    def field_label(cls, name: str) -> str:
        try:
            return str(cls._meta.get_field(name).verbose_name)
        except Exception:
            return name



class StoredFile(Record):
    """Abstract base of an uploaded file kept with a record (ledger evidence, activity attachments): the bytes
    under MEDIA_ROOT, outside the web root, named by their SM3 (`lib.files.StoredFiles.store`; rows of the old
    layout keep their random name), checked against `sha256` and that name on every download; served only by a
    view that has fetched the row through `visible_to` (`lib.files.download`)."""

    name = models.CharField("文件名", max_length=255)
    stored = models.CharField("存储位置", max_length=255, editable=False,
                              help_text="MEDIA_ROOT 下的相对路径；不在网站目录中，只经权限检查后下载。")
    size = models.PositiveBigIntegerField("大小（字节）", default=0)
    sha256 = models.CharField("SHA-256", max_length=64)

    class Meta(Record.Meta):
        abstract = True

    def __str__(self) -> str:
        return self.name


class FormToken(models.Model):
    """The one-time token of a POST form (`{% once_token %}`): claimed by inserting it, so of two posts of the
    same form only one runs; the first post's redirect is kept for the second (lib.once)."""

    token = models.CharField("令牌", max_length=32, unique=True)
    target = models.CharField("提交后跳转到", max_length=1000, blank=True,
                              help_text="首次提交成功后跳转的地址；为空表示首次提交尚在处理。")
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "表单提交令牌"
        verbose_name_plural = "表单提交令牌"

    def __str__(self) -> str:
        return self.token

"""Encrypted model fields: the column holds a versioned SM4-GCM token, the attribute gives the plaintext.

    token = "sm4:1:<key id>:<base64url(nonce + ciphertext + tag)>"

The associated data is the row's table, primary key and column, so a token copied from another row (or
another field) fails authentication: the attribute then gives a Chinese notice (`Refused`), an audit row
(Action.TAMPERED) is written, and saving the row keeps the refused token as it was (a swap is never laundered
into a valid value).

Reading is lazy: rows load the token (`Sealed`), the descriptor opens it on first access, so a list page that
never shows the field never decrypts it (and `defer()` keeps it out of the query altogether). The primary key
is not known before an INSERT: `pre_save` writes an empty placeholder, and once the row has its key the value is
sealed and written by one UPDATE in the same transaction — by the model's post_save for `save()`, by
`seal_pending()` for `bulk_create()` (RecordQuerySet.bulk_create calls it).

Lookups on an always-encrypted field are refused (FieldError): ciphertext cannot be searched. `values()` and
`values_list()` give `Sealed` objects, whose str() is 〔已加密〕, never the token.

`when_sensitive=True` fields are sealed only on rows whose security_label is 敏感; on other rows they are plain
text columns, searchable as before (see docs/decisions.md).
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Value, When
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_save

from qinglian.crypto.keys import KeyFileError
from qinglian.crypto.provider import AuthenticationFailed, UnknownKey, get_provider
from qinglian.lib import tracking

log = logging.getLogger(__name__)

PREFIX = "sm4:1:"
SENSITIVE = "sensitive"
NOTICE_TAMPERED = "〔此内容未通过完整性校验（密文与本条记录不符），已拒绝显示并记入操作日志，请联系安全管理员核查。〕"
NOTICE_NO_KEY = "〔此内容由密钥 {key_id} 加密，密钥文件中没有该密钥，无法显示：请安全管理员从备份恢复密钥文件。〕"
NOTICE_NO_KEYFILE = "〔密钥文件不可用，无法显示加密内容：请系统管理员运行 qinglian keys status 查看原因。〕"
FINGERPRINT = "〔已加密·{digest}〕"
PENDING = "_sealed_pending"
OPENED = "_sealed_opened"


class Sealed:
    """A token as loaded from the database, bound to the primary key of the row it was read from."""

    __slots__ = ("pk", "token")

    def __init__(self, token: str, pk: Any = None) -> None:
        self.token = token
        self.pk = pk

    @property
    def key_id(self) -> str:
        return self.token[len(PREFIX):].split(":", 1)[0] if self.token.startswith(PREFIX) else ""

    def __str__(self) -> str:
        return "〔已加密〕"

    def __repr__(self) -> str:
        return f"<Sealed {self.key_id or '?'}>"


class Refused(str):
    """The notice shown in place of a value that could not be opened; keeps the token it stands for."""

    sealed: Sealed

    def __new__(cls, notice: str, sealed: Sealed) -> Refused:
        obj = super().__new__(cls, notice)
        obj.sealed = sealed
        return obj


def associated_data(model: Any, pk: Any, column: str) -> bytes:
    return f"{model._meta.concrete_model._meta.db_table}|{pk}|{column}".encode()


def seal_value(model: Any, pk: Any, column: str, plaintext: str) -> Sealed:
    key_id, blob = get_provider().seal(plaintext.encode("utf-8"), associated_data(model, pk, column))
    return Sealed(f"{PREFIX}{key_id}:{base64.urlsafe_b64encode(blob).decode('ascii')}", pk)


def open_value(model: Any, pk: Any, column: str, token: str) -> str:
    """Plaintext of `token` read from row `pk`; AuthenticationFailed if it was altered or belongs elsewhere."""
    if not token.startswith(PREFIX) or token.count(":") != 3:
        raise AuthenticationFailed("not a token of this format")
    key_id, encoded = token[len(PREFIX):].split(":", 1)
    try:
        blob = base64.urlsafe_b64decode(encoded.encode("ascii"))
    except (binascii.Error, ValueError) as exc:
        raise AuthenticationFailed("bad base64") from exc
    plain = get_provider().open(key_id, blob, associated_data(model, pk, column))
    try:
        return plain.decode("utf-8")
    except UnicodeDecodeError as exc:  # pragma: no cover - authenticated, so only a provider bug gets here
        raise AuthenticationFailed("not UTF-8") from exc


def _audit_tampered(instance: Any, field: Any) -> None:
    from qinglian.audit.models import Action
    from qinglian.audit.services import audit_log

    label = f"{instance._meta.verbose_name}（编号 {instance.pk}）的“{field.verbose_name}”"
    try:
        audit_log(action=Action.TAMPERED, summary=f"加密内容校验失败，已拒绝显示：{label}的密文与本条记录不符（疑被调换或篡改）",
                  obj=instance)
    except Exception:  # the notice is still shown; the failure to audit is logged for the operator
        log.exception("could not audit a failed integrity check on %s #%s", instance._meta.label, instance.pk)


class SealedAttribute(DeferredAttribute):
    """Opens the loaded token on first access (and caches the plaintext on the instance)."""

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            value = self.field.open_for(instance, value)
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        data = instance.__dict__
        name = self.field.attname
        current = data.get(name)
        if isinstance(current, Refused) and not isinstance(value, Sealed) and value == current:
            return  # the notice written back by a form or full_clean(): the refused token stays
        if isinstance(value, Sealed) and value.pk is None:
            value.pk = instance.pk
        data[name] = value


class SealedTextField(models.TextField):
    """A text column holding SM4-GCM tokens; see the module docstring."""

    descriptor_class = SealedAttribute
    sealed = True

    def __init__(self, *args: Any, when_sensitive: bool = False, **kwargs: Any) -> None:
        self.when_sensitive = when_sensitive
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.when_sensitive:
            kwargs["when_sensitive"] = True
        return name, path, args, kwargs

    def contribute_to_class(self, cls: Any, name: str, private_only: bool = False) -> None:
        super().contribute_to_class(cls, name, private_only=private_only)
        if not cls._meta.abstract:
            post_save.connect(_seal_after_insert, sender=cls, weak=False,
                              dispatch_uid=f"sealed-fields:{cls.__module__}.{cls.__qualname__}:{id(cls)}")

    # -- what is sealed ---------------------------------------------------------------------------------
    def seals(self, instance: Any) -> bool:
        return not self.when_sensitive or getattr(instance, "security_label", None) == SENSITIVE

    def open_for(self, instance: Any, sealed: Sealed) -> str:
        pk = sealed.pk if sealed.pk is not None else instance.pk
        try:
            plain = open_value(type(instance), pk, self.column, sealed.token)
        except AuthenticationFailed:
            _audit_tampered(instance, self)
            return Refused(NOTICE_TAMPERED, sealed)
        except UnknownKey as exc:
            return Refused(NOTICE_NO_KEY.format(key_id=exc.args[0]), sealed)
        except KeyFileError:
            log.exception("key file unavailable while opening %s #%s", instance._meta.label, pk)
            return Refused(NOTICE_NO_KEYFILE, sealed)
        instance.__dict__.setdefault(OPENED, {})[self.attname] = (plain, sealed)
        return plain

    def fingerprint(self, instance: Any) -> str:
        """What the audit trail records of the value: a keyed MAC, never the value."""
        plain = getattr(instance, self.attname)
        if isinstance(plain, Refused):
            return "〔校验失败〕"
        if not plain:
            return ""
        data = associated_data(type(instance), instance.pk, self.column) + b"|" + str(plain).encode("utf-8")
        return FINGERPRINT.format(digest=get_provider().mac(data).hex()[:8])

    # -- database round trip ----------------------------------------------------------------------------
    def pre_save(self, model_instance: Any, add: bool) -> Any:
        data = model_instance.__dict__
        value = data.get(self.attname, "")
        if isinstance(value, Refused):
            return value.sealed
        if not self.seals(model_instance):
            value = getattr(model_instance, self.attname)
            return "" if value is None else str(value)
        pk = model_instance.pk
        if isinstance(value, Sealed):
            if pk is not None and value.pk == pk:
                return value  # unchanged and never opened: written back as it was
            value = getattr(model_instance, self.attname)
            if isinstance(value, Refused):
                return value.sealed
        plain = "" if value is None else str(value)
        if not plain:
            return ""
        if pk is None:
            data.setdefault(PENDING, set()).add(self.attname)
            return ""  # sealed by _seal_after_insert / seal_pending once the row has its key
        opened = data.get(OPENED, {}).get(self.attname)
        if opened and opened[0] == plain and opened[1].pk == pk:
            return opened[1]
        sealed = seal_value(type(model_instance), pk, self.column, plain)
        data.setdefault(OPENED, {})[self.attname] = (plain, sealed)
        return sealed

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, Refused):
            return value.sealed.token
        if isinstance(value, Sealed):
            return value.token
        if value is None or value == "" or self.when_sensitive:
            return super().get_prep_value(value)
        raise ValueError(f"{self.model._meta.label}.{self.name} is encrypted: write it with save(), "
                         "never with update() or in a lookup")

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return ""
        if self.when_sensitive and not value.startswith(PREFIX):
            return value
        return Sealed(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, Sealed | Refused):
            return value
        return super().to_python(value)

    def validate(self, value: Any, model_instance: Any) -> None:
        super().validate(value, model_instance)
        if isinstance(value, str) and not isinstance(value, Refused) and value.startswith(PREFIX):
            raise ValidationError(f"内容不能以“{PREFIX}”开头（这是加密内容的标记），请修改后再保存。", code="prefix")

    def get_lookup(self, lookup_name: str) -> Any:
        if self.when_sensitive or lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None  # FieldError: an encrypted field cannot be searched

    def get_transform(self, lookup_name: str) -> Any:
        return super().get_transform(lookup_name) if self.when_sensitive else None


class SealedCharField(SealedTextField):
    """A short encrypted value (a phone or ID number): validated to `max_length` characters of plaintext,
    stored in a text column (the token is longer than the value)."""

    def __init__(self, *args: Any, max_length: int = 255, **kwargs: Any) -> None:
        self.plain_max_length = max_length
        super().__init__(*args, **kwargs)
        self.validators.append(validators.MaxLengthValidator(max_length))

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["max_length"] = self.plain_max_length
        return name, path, args, kwargs

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        return models.Field.formfield(self, **{"form_class": forms.CharField, "max_length": self.plain_max_length,
                                               **kwargs})


def sealed_fields(model: Any) -> list[SealedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, SealedTextField)]


def _seal_after_insert(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    if instance.__dict__.get(PENDING):
        seal_pending([instance])


def seal_pending(objs: Iterable[Any], batch_size: int = 500) -> None:
    """Seal the values that waited for their rows' primary keys (after save() or bulk_create()), one UPDATE
    per batch and field."""
    by_model: dict[Any, list[Any]] = defaultdict(list)
    for obj in objs:
        if obj.__dict__.get(PENDING):
            by_model[type(obj)].append(obj)
    for model, rows in by_model.items():
        fields = {f.attname: f for f in sealed_fields(model)}
        for start in range(0, len(rows), batch_size):
            chunk = rows[start:start + batch_size]
            updates: dict[str, list[When]] = defaultdict(list)
            pks: dict[str, list[Any]] = defaultdict(list)
            for obj in chunk:
                if obj.pk is None:
                    raise RuntimeError(f"{model._meta.label}: bulk_create returned no primary keys, so its "
                                       "encrypted fields cannot be sealed")
                for name in obj.__dict__.pop(PENDING):
                    plain = obj.__dict__[name]
                    sealed = seal_value(model, obj.pk, fields[name].column, plain)
                    obj.__dict__.setdefault(OPENED, {})[name] = (plain, sealed)
                    updates[name].append(When(pk=obj.pk, then=Value(sealed.token)))
                    pks[name].append(obj.pk)
            for name, whens in updates.items():
                with tracking.inner():  # part of the write that history records once it is done
                    model._base_manager.filter(pk__in=pks[name]).update(
                        **{name: Case(*whens, output_field=models.TextField())})

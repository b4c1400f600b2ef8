"""Key operations behind `qinglian keys …`: create, rotate, re-encrypt, report. Each is audited (Action.KEYS),
never with a key in it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Value

from qinglian.crypto.fields import PREFIX, SENSITIVE, SealedTextField, open_value, seal_value, sealed_fields
from qinglian.crypto.keys import KeyFile, load_key_file, new_key_file, rotated, write_key_file
from qinglian.crypto.provider import AuthenticationFailed, UnknownKey, get_provider, reset_provider
from qinglian.lib import tracking


def key_path() -> Path:
    return Path(settings.QINGLIAN_KEY_FILE)


def _audit(summary: str) -> bool:
    """True if the audit row was written (the database may not be migrated yet on a fresh machine)."""
    from qinglian.audit.models import Action
    from qinglian.audit.services import audit_log

    try:
        with transaction.atomic():
            audit_log(action=Action.KEYS, summary=summary, actor_name="系统（命令行）")
    except DatabaseError:
        return False
    return True


def keys_init(*, if_missing: bool = False) -> tuple[KeyFile | None, bool]:
    """Create the key file; (None, False) when it exists and `if_missing` (nothing done). The second item
    says whether the creation was audited."""
    path = key_path()
    if path.exists():
        if if_missing:
            load_key_file(path)  # an existing file must still be safe and readable
            return None, False
        raise FileExistsError(f"密钥文件 {path} 已存在：不会覆盖（覆盖会使已加密的数据无法解密）。要换新密钥请运行 qinglian keys rotate。")
    keys = new_key_file()
    write_key_file(path, keys)
    reset_provider()
    return keys, _audit(f"生成密钥文件，当前密钥 {keys.current}（{path}）")


def keys_rotate() -> KeyFile:
    path = key_path()
    old = load_key_file(path)
    keys = rotated(old)
    write_key_file(path, keys)
    reset_provider()
    _audit(f"轮换密钥：新写入使用密钥 {keys.current}，原密钥 {old.current} 保留用于读取")
    return keys


def encrypted_columns() -> Iterator[tuple[Any, SealedTextField]]:
    for model in apps.get_models():
        for f in sealed_fields(model):
            yield model, f


@dataclass
class Tally:
    by_key: Counter[str] = field(default_factory=Counter)
    plain_sensitive: int = 0  # 敏感 rows whose conditional field still holds plain text
    resealed: int = 0
    refused: int = 0
    rows: int = 0


def _rows(model: Any, f: SealedTextField, batch: int) -> Iterator[list[tuple[Any, Any, str]]]:
    """(pk, raw value, security label) in primary-key batches, over every row, soft-deleted ones included."""
    manager = model._base_manager
    label_field = "security_label" if any(x.name == "security_label" for x in model._meta.fields) else "pk"
    last = None
    while True:
        qs = manager.order_by("pk")
        if last is not None:
            qs = qs.filter(pk__gt=last)
        rows = list(qs.values_list("pk", f.attname, label_field)[:batch])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _token(raw: Any) -> str:
    return getattr(raw, "token", raw) or ""


def keys_status() -> dict[str, Tally]:
    result: dict[str, Tally] = {}
    for model, f in encrypted_columns():
        tally = Tally()
        for rows in _rows(model, f, 5000):
            for _pk, raw, label in rows:
                token = _token(raw)
                tally.rows += 1
                if token.startswith(PREFIX):
                    tally.by_key[token[len(PREFIX):].split(":", 1)[0]] += 1
                elif token and f.when_sensitive and label == SENSITIVE:
                    tally.plain_sensitive += 1
        result[f"{model._meta.label_lower}.{f.name}"] = tally
    return result


def keys_reencrypt(*, batch: int = 500, progress: Callable[[str], None] = print) -> dict[str, Tally]:
    """Re-seal every encrypted value with the current key, batch by batch (one transaction each), and seal the
    plain text left on 敏感 rows. A value that fails authentication is left as it is, counted and audited."""
    reset_provider()
    current = get_provider().current_key_id()
    result: dict[str, Tally] = {}
    for model, f in encrypted_columns():
        name = f"{model._meta.label_lower}.{f.name}"
        tally = result[name] = Tally()
        for rows in _rows(model, f, batch):
            with tracking.bulk(f"用当前密钥 {current} 重新加密"):  # a history version for each row resealed
                for pk, raw, label in rows:
                    tally.rows += 1
                    token = _token(raw)
                    if not token:
                        continue
                    if token.startswith(PREFIX):
                        if token[len(PREFIX):].startswith(f"{current}:"):
                            tally.by_key[current] += 1
                            continue
                        try:
                            plain = open_value(model, pk, f.column, token)
                        except (AuthenticationFailed, UnknownKey) as exc:
                            tally.refused += 1
                            _refused(model, pk, f, exc)
                            continue
                    elif f.when_sensitive and label == SENSITIVE:
                        plain = token
                    elif f.when_sensitive:
                        continue  # a plain row: stays plain
                    else:
                        tally.refused += 1
                        _refused(model, pk, f, AuthenticationFailed("plain text in an encrypted column"))
                        continue
                    sealed = seal_value(model, pk, f.column, plain)
                    model._base_manager.filter(pk=pk).update(**{f.attname: Value(sealed.token)})
                    tally.resealed += 1
                    tally.by_key[current] += 1
            progress(f"{name}：已处理 {tally.rows} 条，重新加密 {tally.resealed} 条"
                     + (f"，校验失败 {tally.refused} 条" if tally.refused else ""))
    total = sum(t.resealed for t in result.values())
    refused = sum(t.refused for t in result.values())
    _audit(f"用当前密钥 {current} 重新加密 {total} 个加密值" + (f"，{refused} 个校验失败未处理" if refused else ""))
    return result


def _refused(model: Any, pk: Any, f: SealedTextField, exc: Exception) -> None:
    from qinglian.audit.models import Action
    from qinglian.audit.services import audit_log

    why = f"密钥 {exc.args[0]} 不在密钥文件中" if isinstance(exc, UnknownKey) else "密文与本条记录不符（疑被调换或篡改）"
    audit_log(action=Action.TAMPERED, actor_name="系统（命令行）",
              summary=f"重新加密时校验失败，未处理：{model._meta.verbose_name}（编号 {pk}）的“{f.verbose_name}”，{why}")

"""The key file: SM4 keys by key id, the current one marked, and the MAC key — kept outside the database.

    {"format": 1, "current": "k2", "mac_key": "<hex>",
     "keys": [{"id": "k1", "key": "<hex>", "created": "…"}, {"id": "k2", …}]}

The file must be readable by its owner only (chmod 600): a file that group or others may read or write is
refused, with the command that fixes it. Writes are atomic (a temporary file, then rename) and made 0600.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

KEY_BYTES = 16  # SM4 keys are 128 bits
FORMAT = 1


class KeyFileError(ImproperlyConfigured):
    """The key file is missing, unsafe or unreadable; the message says (in Chinese and English) how to fix it."""


@dataclass
class KeyFile:
    current: str
    keys: dict[str, bytes]
    mac_key: bytes
    created: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({
            "format": FORMAT, "current": self.current, "mac_key": self.mac_key.hex(),
            "keys": [{"id": kid, "key": key.hex(), "created": self.created.get(kid, "")}
                     for kid, key in self.keys.items()],
        }, indent=2) + "\n"


def missing_message(path: Path) -> str:
    return (f"密钥文件 {path} 不存在：请运行 qinglian keys init 生成密钥文件（或用 QINGLIAN_KEY_FILE 指向已有的密钥文件），"
            f"并妥善备份，不要放进数据库备份里。"
            f" (key file {path} not found: run `qinglian keys init`, or set QINGLIAN_KEY_FILE to the existing file)")


def unsafe_message(path: Path, mode: int) -> str:
    return (f"密钥文件 {path} 的权限为 {mode:04o}，同组或其他用户也能读写：请运行 chmod 600 {path} 后重试。"
            f" (key file {path} has mode {mode:04o}, readable or writable by group or others: run chmod 600 {path})")


def check_permissions(path: Path) -> None:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError as exc:
        raise KeyFileError(missing_message(path)) from exc
    if mode & 0o077:
        raise KeyFileError(unsafe_message(path, mode))


def load_key_file(path: Path) -> KeyFile:
    check_permissions(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        keys = {str(k["id"]): bytes.fromhex(k["key"]) for k in data["keys"]}
        created = {str(k["id"]): str(k.get("created", "")) for k in data["keys"]}
        result = KeyFile(current=str(data["current"]), keys=keys, mac_key=bytes.fromhex(data["mac_key"]),
                         created=created)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise KeyFileError(f"密钥文件 {path} 无法读取或格式不对（{exc}）：请从备份恢复该文件。"
                           f" (key file {path} is unreadable or malformed: restore it from the backup)") from exc
    if result.current not in result.keys or any(len(k) != KEY_BYTES for k in result.keys.values()) \
            or len(result.mac_key) < 16:
        raise KeyFileError(f"密钥文件 {path} 内容不完整（当前密钥缺失或长度不对）：请从备份恢复该文件。"
                           f" (key file {path} is incomplete: restore it from the backup)")
    return result


def write_key_file(path: Path, keys: KeyFile) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(keys.to_json())
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def new_key_file() -> KeyFile:
    return KeyFile(current="k1", keys={"k1": secrets.token_bytes(KEY_BYTES)}, mac_key=secrets.token_bytes(32),
                   created={"k1": _now()})


def rotated(keys: KeyFile) -> KeyFile:
    """A new current key; the old ones stay, readable by their ids."""
    n = max(int(kid[1:]) for kid in keys.keys if kid[1:].isdigit()) + 1 if keys.keys else 1
    kid = f"k{n}"
    return KeyFile(current=kid, keys={**keys.keys, kid: secrets.token_bytes(KEY_BYTES)}, mac_key=keys.mac_key,
                   created={**keys.created, kid: _now()})

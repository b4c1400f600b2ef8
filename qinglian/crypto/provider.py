"""The one interface between Qinglian and whatever does its cryptography.

A `CryptoProvider` seals and opens values with associated data and computes a keyed MAC. The software provider
below does SM4-GCM with keys from the key file (`keys.py`); a certified 密码机 (hardware security module) replaces
it by a class of the same interface named in settings.QINGLIAN_CRYPTO_PROVIDER. Nothing outside this package
touches keys or ciphers.
"""

from __future__ import annotations

import os
import threading
from abc import ABC, abstractmethod
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from qinglian.crypto.keys import KeyFile, KeyFileError, load_key_file

NONCE_BYTES = 12  # 96 bits, GCM's native nonce size: a fresh random one for every value
TAG_BYTES = 16


class UnknownKey(Exception):
    """The value was sealed with a key id the provider does not hold (a retired key removed from the file)."""


class AuthenticationFailed(Exception):
    """The ciphertext, its nonce or its associated data were changed: the value is refused, never shown."""


class CryptoProvider(ABC):
    """Seal/open with associated data, and a keyed MAC. Implementations must be thread-safe."""

    @abstractmethod
    def current_key_id(self) -> str: ...

    @abstractmethod
    def key_ids(self) -> list[str]: ...

    @abstractmethod
    def seal(self, plaintext: bytes, associated: bytes) -> tuple[str, bytes]:
        """Encrypt with the current key; return (key id, nonce + ciphertext + tag)."""

    @abstractmethod
    def open(self, key_id: str, blob: bytes, associated: bytes) -> bytes:
        """Decrypt `blob` sealed with `key_id`; raise UnknownKey or AuthenticationFailed."""

    @abstractmethod
    def mac(self, data: bytes) -> bytes:
        """A keyed MAC (stable across key rotations): fingerprints in the audit trail, never reversible."""


def sm4_gcm_seal(key: bytes, plaintext: bytes, associated: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(associated)
    body = encryptor.update(plaintext) + encryptor.finalize()
    return nonce + body + encryptor.tag


def sm4_gcm_open(key: bytes, blob: bytes, associated: bytes) -> bytes:
    if len(blob) < NONCE_BYTES + TAG_BYTES:
        raise AuthenticationFailed("ciphertext too short")
    nonce, body, tag = blob[:NONCE_BYTES], blob[NONCE_BYTES:-TAG_BYTES], blob[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(associated)
    try:
        return decryptor.update(body) + decryptor.finalize()
    except InvalidTag as exc:
        raise AuthenticationFailed("GCM tag mismatch") from exc


class SoftwareProvider(CryptoProvider):
    """SM4-GCM in software (OpenSSL through `cryptography`), HMAC-SM3 for fingerprints, keys from the key file.

    The file is read again when it changes on disk, so a `qinglian keys rotate` run beside a running server
    is picked up by every worker: new writes use the new key, and values another worker sealed with it read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._keys: KeyFile | None = None
        self._reload()

    def _reload(self) -> KeyFile:
        with self._lock:
            try:
                stat = self.path.stat()
            except FileNotFoundError:
                stat = None
            stamp = (stat.st_mtime_ns, stat.st_size) if stat else None
            if self._keys is None or stamp != self._stamp:
                self._keys = load_key_file(self.path)
                self._stamp = stamp
            return self._keys

    def _fresh(self) -> KeyFile:
        return self._reload()

    def current_key_id(self) -> str:
        return self._fresh().current

    def key_ids(self) -> list[str]:
        return list(self._fresh().keys)

    def seal(self, plaintext: bytes, associated: bytes) -> tuple[str, bytes]:
        keys = self._fresh()
        return keys.current, sm4_gcm_seal(keys.keys[keys.current], plaintext, associated)

    def open(self, key_id: str, blob: bytes, associated: bytes) -> bytes:
        keys = self._keys or self._fresh()
        if key_id not in keys.keys:
            keys = self._fresh()
            if key_id not in keys.keys:
                raise UnknownKey(key_id)
        return sm4_gcm_open(keys.keys[key_id], blob, associated)

    def mac(self, data: bytes) -> bytes:
        h = hmac.HMAC(self._fresh().mac_key, hashes.SM3())
        h.update(data)
        return h.finalize()


_provider: CryptoProvider | None = None
_provider_lock = threading.Lock()


def get_provider() -> CryptoProvider:
    """The configured provider, built once per process (settings.QINGLIAN_CRYPTO_PROVIDER names its class,
    constructed with the key file's path)."""
    global _provider
    if _provider is None:
        with _provider_lock:
            if _provider is None:
                from django.conf import settings
                from django.utils.module_loading import import_string

                cls = import_string(settings.QINGLIAN_CRYPTO_PROVIDER)
                _provider = cls(Path(settings.QINGLIAN_KEY_FILE))
    return _provider


def reset_provider() -> None:
    """Forget the provider (tests that point QINGLIAN_KEY_FILE elsewhere; after `keys init`)."""
    global _provider
    _provider = None


__all__ = ["AuthenticationFailed", "CryptoProvider", "KeyFileError", "SoftwareProvider", "UnknownKey",
           "get_provider", "reset_provider"]

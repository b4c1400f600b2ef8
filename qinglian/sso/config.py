"""Where the identity system is: settings (QINGLIAN_OIDC_*, read from the environment in settings.py) and the
provider's discovery document, fetched once per process and kept.

mozilla-django-oidc reads its own settings (OIDC_OP_TOKEN_ENDPOINT, OIDC_RP_CLIENT_ID, …) through a
`get_settings` hook on each of its classes; `oidc_setting` answers that hook from ours and from discovery, so
there is one way to configure single sign-on and the endpoints need not be copied by hand. An endpoint named
in the environment wins over the discovered one.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings
from mozilla_django_oidc.utils import import_from_settings

log = logging.getLogger(__name__)

# Each endpoint by its discovery name, and the setting that names it by hand; the first four are required.
ENDPOINTS = {
    "authorization_endpoint": "QINGLIAN_OIDC_AUTHORIZATION_ENDPOINT",
    "token_endpoint": "QINGLIAN_OIDC_TOKEN_ENDPOINT",
    "userinfo_endpoint": "QINGLIAN_OIDC_USERINFO_ENDPOINT",
    "jwks_uri": "QINGLIAN_OIDC_JWKS_ENDPOINT",
    "end_session_endpoint": "QINGLIAN_OIDC_END_SESSION_ENDPOINT",
}
REQUIRED = tuple(ENDPOINTS)[:4]


class ProviderUnavailable(Exception):
    """The discovery document could not be fetched or does not describe the configured issuer."""


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    end_session_endpoint: str  # "" when the provider offers no RP-initiated logout
    basic_auth: bool  # the token endpoint takes the client secret as HTTP Basic only


_discovered: dict[str, dict[str, Any]] = {}
_lock = threading.Lock()


def enabled() -> bool:
    """Single sign-on is on when an issuer and a client id are configured."""
    return bool(settings.QINGLIAN_OIDC_ISSUER and settings.QINGLIAN_OIDC_CLIENT_ID)


def tls_verify() -> bool | str:
    """requests' `verify`: the CA bundle of an intranet CA when one is named, else the system's. Never off."""
    return settings.QINGLIAN_OIDC_CA_BUNDLE or True


def discovery(issuer: str) -> dict[str, Any]:
    """The issuer's /.well-known/openid-configuration, fetched on first use and kept for the process."""
    with _lock:
        if issuer in _discovered:
            return _discovered[issuer]
        url = issuer.rstrip("/") + "/.well-known/openid-configuration"
        try:
            response = requests.get(url, timeout=settings.QINGLIAN_OIDC_TIMEOUT, verify=tls_verify())
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise ProviderUnavailable(f"discovery at {url} failed: {exc}") from exc
        if not isinstance(document, dict) or str(document.get("issuer", "")).rstrip("/") != issuer.rstrip("/"):
            # OpenID Connect Discovery 1.0 §4.3: the document must name the issuer it was fetched for.
            raise ProviderUnavailable(f"discovery at {url} names issuer {document.get('issuer')!r}, not {issuer!r}")
        _discovered[issuer] = document
        return document


def forget() -> None:
    """Drop the kept discovery documents (tests; a provider that moved its endpoints needs a restart)."""
    with _lock:
        _discovered.clear()


def provider() -> Provider:
    issuer = settings.QINGLIAN_OIDC_ISSUER
    explicit = {name: str(getattr(settings, setting, "")) for name, setting in ENDPOINTS.items()}
    document: dict[str, Any] = {}
    if not all(explicit[name] for name in REQUIRED):
        document = discovery(issuer)
    found = {name: explicit[name] or str(document.get(name) or "") for name in ENDPOINTS}
    missing = [name for name in REQUIRED if not found[name]]
    if missing:
        raise ProviderUnavailable(f"the provider names no {', '.join(missing)}")
    methods = document.get("token_endpoint_auth_methods_supported") or ["client_secret_basic", "client_secret_post"]
    return Provider(issuer=str(document.get("issuer") or issuer), basic_auth="client_secret_post" not in methods,
                    **found)


def oidc_setting(attr: str, *default: Any) -> Any:
    """mozilla-django-oidc's `get_settings`, answered from QINGLIAN_OIDC_* and the provider's document."""
    ours: dict[str, Any] = {
        "OIDC_RP_CLIENT_ID": lambda: settings.QINGLIAN_OIDC_CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": lambda: settings.QINGLIAN_OIDC_CLIENT_SECRET,
        "OIDC_RP_SCOPES": lambda: settings.QINGLIAN_OIDC_SCOPES,
        "OIDC_RP_SIGN_ALGO": lambda: settings.QINGLIAN_OIDC_SIGN_ALGO,
        "OIDC_RP_IDP_SIGN_KEY": lambda: None,  # keys come from the provider's JWKS, by kid
        "OIDC_OP_AUTHORIZATION_ENDPOINT": lambda: provider().authorization_endpoint,
        "OIDC_OP_TOKEN_ENDPOINT": lambda: provider().token_endpoint,
        "OIDC_OP_USER_ENDPOINT": lambda: provider().userinfo_endpoint,
        "OIDC_OP_JWKS_ENDPOINT": lambda: provider().jwks_uri,
        "OIDC_TOKEN_USE_BASIC_AUTH": lambda: provider().basic_auth,
        "OIDC_AUTHENTICATION_CALLBACK_URL": lambda: "sso:callback",
        "OIDC_VERIFY_SSL": tls_verify,
        "OIDC_TIMEOUT": lambda: settings.QINGLIAN_OIDC_TIMEOUT,
        "OIDC_USE_NONCE": lambda: True,
        "OIDC_USE_PKCE": lambda: settings.QINGLIAN_OIDC_PKCE,
        "OIDC_ALLOW_UNSECURED_JWT": lambda: False,
        "OIDC_VERIFY_KID": lambda: True,
        "OIDC_CREATE_USER": lambda: False,  # accounts are opened by the system admin, never by a log-in
        "OIDC_STORE_ACCESS_TOKEN": lambda: False,
        "OIDC_STORE_ID_TOKEN": lambda: False,  # kept by services.sso_login, after the session is the account's
        "LOGIN_REDIRECT_URL": lambda: "home",
        "LOGIN_REDIRECT_URL_FAILURE": lambda: "login",
    }
    if attr in ours:
        return ours[attr]()
    return import_from_settings(attr, *default)

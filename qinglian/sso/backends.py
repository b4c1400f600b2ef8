"""mozilla-django-oidc's backend, with what a government deployment needs on top of it: the ID token's issuer
and audience checked (the library checks the signature against the provider's JWKS, the algorithm, expiry
and the nonce, but not `aud` or `iss`), the user-info answer bound to the ID token's subject, and the
identity mapped to an existing account (services.identity_account) instead of creating one.

Django builds every listed backend at each password log-in too, so nothing is read in __init__: the
provider's endpoints are read in authenticate(), only for a single sign-on callback."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from qinglian.sso.config import enabled, oidc_setting, provider
from qinglian.sso.services import INVALID, Identity, delegated_factor, identity_account, sso_refused


class OIDCBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.UserModel = get_user_model()

    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        if request is None or "nonce" not in kwargs or not enabled():
            return None  # a password log-in, or single sign-on is off
        super().__init__()  # the endpoints and keys, from the settings and the discovery document
        return super().authenticate(request, **kwargs)

    def verify_token(self, token: Any, **kwargs: Any) -> dict[str, Any]:
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:  # the ID token (a signed user-info answer is verified here too, without a nonce)
            check_id_token(payload, issuer=provider().issuer, client_id=self.OIDC_RP_CLIENT_ID)
        return payload

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if str(userinfo.get("sub")) != str(payload.get("sub")):  # OpenID Connect Core §5.3.2
            # Not SuspiciousOperation: the library would swallow it here and leave no cause to audit.
            raise sso_refused(request=self.request, message=INVALID, status=400,
                              cause=f"user-info answer about sub {userinfo.get('sub')!r}, not the ID token's")
        identity = Identity(claims={**userinfo, **payload}, id_token=id_token, second_factor=delegated_factor(payload))
        user = identity_account(request=self.request, identity=identity)  # SsoRefused when it may not log in
        self.request.sso_identity = identity
        return user


def check_id_token(payload: dict[str, Any], *, issuer: str, client_id: str) -> None:
    """OpenID Connect Core §3.1.3.7: issued by our provider, for us, with an expiry (its value was checked
    when the signature was)."""
    if str(payload.get("iss", "")).rstrip("/") != issuer.rstrip("/"):
        raise SuspiciousOperation(f"ID token issuer {payload.get('iss')!r} is not {issuer!r}")
    audience = payload.get("aud")
    audiences = [audience] if isinstance(audience, str) else list(audience or [])
    if client_id not in audiences:
        raise SuspiciousOperation(f"ID token audience {audience!r} does not include this client")
    if len(audiences) > 1 and payload.get("azp") != client_id:
        raise SuspiciousOperation("ID token for several audiences without this client as its azp")
    if "exp" not in payload:
        raise SuspiciousOperation("ID token without an expiry")

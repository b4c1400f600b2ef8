"""A small, real OpenID Connect provider on a loopback port, in a thread: discovery, authorize, token, JWKS,
user info and end-session, speaking HTTP to the code under test the way a 统一身份认证 system would.

"Logging in at the provider" is the test choosing who the person is (`provider.person = {...claims}`); the
authorize endpoint then sends the browser back to the registered redirect URI with a code, as after the
person typed their password there. ID tokens are signed RS256 with a key published in the JWKS (joserfc).
`provider.tamper` makes the next ID token wrong in one way: "signature", "nonce", "audience", "issuer",
"expired"."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID, CLIENT_SECRET = "qinglian", "client-secret-for-tests"
REDIRECT_URI = "http://testserver/sso/callback/"
POST_LOGOUT_URI = "http://testserver/login/"


class Provider:
    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1", "alg": "RS256", "use": "sig"})
        self.impostor = RSAKey.generate_key(2048, parameters={"kid": "k1", "alg": "RS256", "use": "sig"})
        self.person: dict[str, Any] = {}
        self.userinfo: dict[str, Any] = {}  # claims the user-info answer adds or changes (not in the ID token)
        self.tamper = ""
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        self.hits: list[str] = []  # the path of every request, in order
        self.logouts: list[dict[str, str]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Provider:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    def discovery(self) -> dict[str, Any]:
        return {"issuer": self.url, "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token", "userinfo_endpoint": f"{self.url}/userinfo",
                "jwks_uri": f"{self.url}/jwks", "end_session_endpoint": f"{self.url}/logout",
                "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
                "code_challenge_methods_supported": ["S256"]}

    def id_token(self, claims: dict[str, Any], nonce: str) -> str:
        now = int(time.time())
        payload = {"iss": self.url, "aud": CLIENT_ID, "iat": now, "exp": now + 300, "nonce": nonce, **claims}
        key, tamper = self.key, self.tamper
        if tamper == "signature":
            key = self.impostor  # same kid, another private key: the JWKS key does not verify it
        elif tamper == "nonce":
            payload["nonce"] = "not-the-nonce-of-this-log-in"
        elif tamper == "audience":
            payload["aud"] = "another-application"
        elif tamper == "issuer":
            payload["iss"] = "http://127.0.0.1:1/somebody-else"
        elif tamper == "expired":
            payload["iat"], payload["exp"] = now - 3600, now - 1800
        return jwt.encode({"alg": "RS256", "kid": "k1"}, payload, key)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _send(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                provider.hits.append(url.path)
                if url.path == "/.well-known/openid-configuration":
                    return self._send(200, provider.discovery())
                if url.path == "/jwks":
                    return self._send(200, {"keys": [provider.key.as_dict(private=False)]})
                if url.path == "/authorize":
                    return self.authorize(query)
                if url.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    grant = provider.tokens.get(token)
                    if grant is None:
                        return self._send(401, {"error": "invalid_token"})
                    return self._send(200, {**grant["claims"], **provider.userinfo})
                if url.path == "/logout":
                    provider.logouts.append(query)
                    target = query.get("post_logout_redirect_uri")
                    return self._send(302, headers={"Location": target}) if target else self._send(200, {})
                return self._send(404, {"error": "not_found"})

            def authorize(self, query: dict[str, str]) -> None:
                if query.get("client_id") != CLIENT_ID or query.get("redirect_uri") != REDIRECT_URI:
                    return self._send(400, {"error": "invalid_request"})  # a provider never redirects elsewhere
                code = secrets.token_urlsafe(16)
                provider.codes[code] = {"claims": dict(provider.person), "nonce": query.get("nonce", ""),
                                        "challenge": query.get("code_challenge", "")}
                target = f"{REDIRECT_URI}?{urlencode({'code': code, 'state': query.get('state', '')})}"
                return self._send(302, headers={"Location": target})

            def do_POST(self) -> None:
                provider.hits.append(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if self.path != "/token":
                    return self._send(404, {"error": "not_found"})
                grant = provider.codes.pop(form.get("code", ""), None)  # single use
                verifier = form.get("code_verifier", "")
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                if (grant is None or form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET
                        or form.get("redirect_uri") != REDIRECT_URI or challenge != grant["challenge"]):
                    return self._send(400, {"error": "invalid_grant"})
                access = secrets.token_urlsafe(16)
                provider.tokens[access] = grant
                return self._send(200, {"access_token": access, "token_type": "Bearer", "expires_in": 300,
                                        "id_token": provider.id_token(grant["claims"], grant["nonce"])})

        return Handler

"""A local Bot Framework token issuer: the OpenID metadata, its signing keys, and tokens signed like the channel's.

botbuilder checks an incoming ``Authorization: Bearer <JWT>`` against the keys published at
``TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL`` (``login.botframework.com`` in production): it reads the
metadata's ``jwks_uri``, picks the key by ``kid``, requires the activity's ``channelId`` among the key's
``endorsements``, the issuer ``https://api.botframework.com``, the bot's app id as audience, an unexpired
token and a ``serviceurl`` claim equal to the activity's ``serviceUrl``. This issuer publishes one RSA key
made for the test (endorsed for ``msteams`` and ``emulator``) and signs tokens with it, or with another
key under the same ``kid``, to be refused.

botbuilder fetches the metadata with ``requests``, a blocking call made inside the event loop, so the
issuer answers from its own thread (a fake in the test's loop would never get to answer). botbuilder
also caches keys per metadata URL for a day, process-wide: each issuer listens on its own port, so each
test gets its own URL. Nothing here is herbot code: it stands where ``login.botframework.com`` would.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

__all__ = ["CHANNEL_ISSUER", "ENDORSEMENTS", "BotTokenIssuer"]

CHANNEL_ISSUER = "https://api.botframework.com"
ENDORSEMENTS = ("msteams", "emulator")
METADATA_PATH = "/v1/.well-known/openidconfiguration"
KEYS_PATH = "/v1/.well-known/keys"
LIFETIME_S = 3600


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class BotTokenIssuer:
    """The OpenID metadata and keys on 127.0.0.1 (from a thread), and a signer of channel tokens."""

    key: rsa.RSAPrivateKey = field(default_factory=_new_key)
    other_key: rsa.RSAPrivateKey = field(default_factory=_new_key)
    kid: str = field(default_factory=lambda: f"test-{uuid.uuid4().hex[:12]}")
    fetched: list[str] = field(default_factory=list)  # the paths asked for, in order
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    def start(self) -> None:
        """Listen on a free port of 127.0.0.1 and answer from a daemon thread."""
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                issuer.fetched.append(self.path)
                documents = {METADATA_PATH: issuer.metadata(), KEYS_PATH: issuer.keys()}
                document = documents.get(self.path)
                body = json.dumps(document if document is not None else {"error": "not found"}).encode()
                self.send_response(200 if document is not None else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: Any) -> None:  # the test's output is for the test
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="bot-token-issuer", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop answering and release the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> BotTokenIssuer:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def base(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def metadata_url(self) -> str:
        """What herbot is given as ``HERBOT_TEAMS_OPENID_METADATA_URL``."""
        return f"{self.base}{METADATA_PATH}"

    def metadata(self) -> dict[str, Any]:
        """The OpenID configuration, shaped like ``login.botframework.com``'s."""
        return {
            "issuer": CHANNEL_ISSUER,
            "authorization_endpoint": "https://invalid.botframework.com",
            "jwks_uri": f"{self.base}{KEYS_PATH}",
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        }

    def keys(self) -> dict[str, Any]:
        """The JSON Web Key Set: the one signing key, with the channels it is endorsed for."""
        jwk = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": self.kid, "use": "sig", "endorsements": list(ENDORSEMENTS)}]}

    def sign_token(
        self,
        app_id: str,
        service_url: str,
        *,
        expired: bool = False,
        wrong_key: bool = False,
        audience: str | None = None,
        issuer: str | None = None,
    ) -> str:
        """A channel token for the bot ``app_id`` about activities from ``service_url``; the keywords spoil it."""
        now = int(time.time())
        # botbuilder allows five minutes of clock skew: an hour in the past is expired by any clock.
        issued = now - 2 * LIFETIME_S if expired else now - 60
        claims = {
            "serviceurl": service_url,
            "nbf": issued,
            "exp": issued + LIFETIME_S,
            "iss": issuer or CHANNEL_ISSUER,
            "aud": audience or app_id,
        }
        signer = self.other_key if wrong_key else self.key
        return jwt.encode(claims, signer, algorithm="RS256", headers={"kid": self.kid})

    def authorization(self, app_id: str, service_url: str, **spoilers: Any) -> str:
        """The ``Authorization`` header value carrying ``sign_token(app_id, service_url, **spoilers)``."""
        return f"Bearer {self.sign_token(app_id, service_url, **spoilers)}"

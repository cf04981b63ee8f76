"""Pagination tokens of the fake, Rekognition's and CloudWatch's alike: signed, so never forged.

A token is its JSON payload, base64url-encoded, then a dot and an HMAC of the
payload under a secret of the signer's. The payload binds the token to the
request it continues (a digest of its scope), so a token cannot be replayed on
another listing; what else it holds is the caller's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from typing import Any

from ._validation import FakeServiceError

__all__ = ["PageTokens", "scope_digest"]


def scope_digest(*parts: object) -> str:
    """A short digest of what a token continues: a digest, not the text, keeps tokens under 1024 characters."""
    canonical = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":")).encode()
    return hashlib.sha256(canonical).hexdigest()[:16]


class PageTokens:
    """Makes and reads signed tokens, under a secret of its own."""

    def __init__(self) -> None:
        self._secret = secrets.token_bytes(16)

    def _sign(self, body: bytes) -> str:
        return hmac.new(self._secret, body, hashlib.sha256).hexdigest()[:32]

    def make(self, payload: dict[str, Any]) -> str:
        """A token that carries ``payload`` (JSON values)."""
        body = json.dumps(payload, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(body).decode().rstrip("=") + "." + self._sign(body)

    def read(self, token: object) -> dict[str, Any] | None:
        """The payload of a token this signer made; ``None`` for anything else (malformed, forged)."""
        if not isinstance(token, str):
            return None
        encoded, _, signature = token.partition(".")
        try:
            body = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except ValueError:
            return None
        # compare_digest raises TypeError on non-ASCII text, which a forged token may hold.
        if not signature.isascii() or not hmac.compare_digest(signature, self._sign(body)):
            return None
        payload = json.loads(body)
        return payload if isinstance(payload, dict) else None

    def make_listing(self, scope: str, filter_key: str, last: tuple[int, str], now: float) -> str:
        """A Rekognition listing's token: it continues after ``last``, in ``scope`` under ``filter_key``."""
        return self.make({"s": scope_digest(scope, filter_key), "k": list(last), "t": now})

    def read_listing(
        self, token: str, scope: str, filter_key: str, *, now: float, ttl: float
    ) -> tuple[int, str]:
        """Where a listing's token continues from.

        Raises:
            FakeServiceError: ``InvalidPaginationTokenException``: the token is
                not this listing's, or older than ``ttl`` seconds.
        """
        data = self.read(token)
        if data is None or data["s"] != scope_digest(scope, filter_key):
            raise FakeServiceError("InvalidPaginationTokenException", "Invalid pagination token.")
        if now - data["t"] > ttl:
            raise FakeServiceError("InvalidPaginationTokenException", "The pagination token has expired.")
        created, arn = data["k"]
        return (int(created), str(arn))

"""Stable pseudonyms: HMAC-SHA256 of a normalised identifier with a secret key that never leaves the host."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from knowledge import config

__all__ = ["load_key", "pseudonym"]


def load_key(key_file: Path) -> bytes:
    """The key from $DXGRAPH_PSEUDONYM_KEY, else from a key file (created with 0600 permissions once)."""
    key = config.pseudonym_key()
    if key is not None:
        return key
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return key_file.read_text().strip().encode()


def normalise(identifier: str) -> str:
    return " ".join(identifier.strip().lower().split())


def pseudonym(key: bytes, identifier: str, kind: str = "patient") -> str:
    """Same identifier, same key -> same pseudonym, whatever source it came from."""
    digest = hmac.new(key, f"{kind}:{normalise(identifier)}".encode(), hashlib.sha256).hexdigest()
    return f"{kind[0]}_{digest[:24]}"

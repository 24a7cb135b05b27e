"""The key that signs checkpoints: Ed25519, held in a file outside the database.

`OPENICS_CHECKPOINT_KEY` names the file (PEM, PKCS#8, unencrypted, readable only by the
service). Someone who can write to the database cannot sign a checkpoint without the file,
so a checkpoint published before a change made behind the application's back still shows
what the record said. The key's id is the first 16 hex digits of the SHA-256 of its raw
public key.
"""

from __future__ import annotations

import base64
import hashlib
import os
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEY_VARIABLE = "OPENICS_CHECKPOINT_KEY"


class CheckpointKeyError(Exception):
    """The configured key cannot be used."""


def key_path() -> Path | None:
    value = os.environ.get(KEY_VARIABLE, "").strip()
    return Path(value) if value else None


def create_key(path: Path) -> None:
    """Writes a new private key to `path` (mode 0600), creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise CheckpointKeyError(f"the checkpoint key {path} cannot be read: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointKeyError(f"the checkpoint key {path} is not an Ed25519 private key")
    return key


def private_key() -> Ed25519PrivateKey | None:
    """The configured key, or None when none is configured."""
    path = key_path()
    if path is None:
        return None
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise CheckpointKeyError(
            f"{KEY_VARIABLE} names {path}, which cannot be read: {exc}"
        ) from None
    return _load(str(path), mtime)


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_text(key: Ed25519PublicKey) -> str:
    return base64.b64encode(raw_public(key)).decode()


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def key_id_of(public: str) -> str:
    """A public key's id, from its base64 text."""
    return hashlib.sha256(base64.b64decode(public)).hexdigest()[:16]


def sign(key: Ed25519PrivateKey, statement: bytes) -> str:
    return key.sign(statement).hex()


def signature_holds(public: str, signature: str, statement: bytes) -> bool:
    """Whether `signature` (hex) is the key's signature of `statement`."""
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public, validate=True))
        key.verify(bytes.fromhex(signature), statement)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True

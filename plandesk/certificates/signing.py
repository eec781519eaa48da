"""Ed25519 signatures over a canonical JSON of a certificate's fields.

The private key lives in a PEM file outside the database (PLANDESK_CERTIFICATE_KEY, default in the data folder),
generated on first use with mode 0600. The public key is published on the portal and in the API, so a third party can
check a certificate offline: canonical JSON = UTF-8, keys sorted, no spaces (`canonical`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

_lock = threading.Lock()
_keys: dict[str, Ed25519PrivateKey] = {}


def key_path() -> Path:
    configured = getattr(settings, "PLANDESK_CERTIFICATE_KEY", "")
    return Path(configured) if configured else Path(settings.DATA_DIR) / "certificates" / "ed25519-private.pem"


def private_key() -> Ed25519PrivateKey:
    """The signing key, generated into its file on first use."""
    path = key_path()
    with _lock:
        key = _keys.get(str(path))
        if key is not None:
            return key
        if not path.exists():
            _generate(path)
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} 不是 Ed25519 私钥")
        _keys[str(path)] = key
        return key


def _generate(path: Path) -> None:
    """Write a new key next to its place, then link it there: another process that got there first wins, and
    nobody ever reads a half-written file."""
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
        fh.flush()
        os.fsync(fh.fileno())
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def public_key() -> Ed25519PublicKey:
    return private_key().public_key()


def public_raw(key: Ed25519PublicKey | None = None) -> bytes:
    return (key or public_key()).public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_pem(key: Ed25519PublicKey | None = None) -> str:
    return (key or public_key()).public_bytes(serialization.Encoding.PEM,
                                              serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def key_id(key: Ed25519PublicKey | None = None) -> str:
    """A short name of the public key: the first 16 hex digits of the SHA-256 of its raw bytes."""
    return hashlib.sha256(public_raw(key)).hexdigest()[:16]


def load_public_pem(data: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("不是 Ed25519 公钥")
    return key


def canonical(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sign(payload: dict) -> str:
    return base64.b64encode(private_key().sign(canonical(payload))).decode()


def verify(payload: dict, signature: str, key: Ed25519PublicKey | None = None) -> bool:
    """True when `signature` (base64) is the signature of this payload under the key (default: the published one)."""
    try:
        raw = base64.b64decode(signature or "", validate=True)
        (key or public_key()).verify(raw, canonical(payload))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def check_code(signature: str) -> str:
    """The short code printed in the QR link: tells a tampered or made-up link from the real one."""
    return hashlib.sha256((signature or "").encode()).hexdigest()[:10]

"""Scans received at the window: type told by the content (magic bytes), size limited, kept under their SHA-256.

Files live in `PLANDESK_DATA_DIR/window/files/ab/<sha256>`, outside the web root; they are only ever served back as
attachments with their detected type, never as HTML.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings

from plandesk.window.models import StoredFile

MAX_BYTES = 20 * 1024 * 1024
KIND_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "dwg": "application/acad",
    "dxf": "application/dxf",
}
ACCEPT = ".pdf,.jpg,.jpeg,.png,.dwg,.dxf"


class FileRefused(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def detect_kind(head: bytes) -> str | None:
    """The file's type from its first bytes; None when it is none of the accepted kinds."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"AC10" and head[4:6].isdigit():
        return "dwg"
    if head.startswith(b"AutoCAD Binary DXF"):
        return "dxf"
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"0") and b"SECTION" in text[:40]:
        lines = [line.strip() for line in text.splitlines()[:2]]
        if lines[:2] == [b"0", b"SECTION"]:
            return "dxf"
    return None


def files_dir() -> Path:
    return Path(getattr(settings, "PLANDESK_WINDOW_FILES", settings.DATA_DIR / "window" / "files"))


def path_for(sha256: str) -> Path:
    return files_dir() / sha256[:2] / sha256


def check(upload) -> str:
    """Refuse a file that is too large, empty or of a kind not accepted; return its kind."""
    name = getattr(upload, "name", "") or "文件"
    if upload.size == 0:
        raise FileRefused(f"“{name}”是空文件")
    if upload.size > MAX_BYTES:
        raise FileRefused(f"“{name}”过大（{upload.size / 1048576:.1f} MB，上限 {MAX_BYTES // 1048576} MB）")
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    kind = detect_kind(head)
    if kind is None:
        raise FileRefused(f"“{name}”的内容不是 PDF、JPG、PNG、DWG 或 DXF 文件（按文件内容判断，与扩展名无关）")
    # A file cut short in transfer lacks its end marker and could not be opened later: every complete PDF ends
    # with %%EOF, a PNG with its IEND chunk, a JPEG with the EOI marker (scanners may pad a little after it).
    end_marker = {"pdf": (b"%%EOF", 1024), "png": (b"IEND", 1024), "jpg": (b"\xff\xd9", 65536)}.get(kind)
    if end_marker is not None and end_marker[0] not in _tail(upload, end_marker[1]):
        raise FileRefused(f"“{name}”不完整或已损坏（{kind.upper()} 文件缺少结尾），请重新扫描或上传")
    return kind


def _tail(upload, size: int) -> bytes:
    upload.seek(max(0, upload.size - size))
    tail = upload.read(size)
    upload.seek(0)
    return tail


def store(upload, kind: str):
    """Write the file under its hash (once) and return its StoredFile row."""

    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    sha = digest.hexdigest()
    target = path_for(sha)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent)
        with os.fdopen(fd, "wb") as out:
            upload.seek(0)
            for chunk in upload.chunks():
                out.write(chunk)
        os.replace(tmp, target)
    row, _created = StoredFile.objects.get_or_create(sha256=sha, defaults={"size": upload.size, "kind": kind})
    return row

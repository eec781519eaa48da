"""Uploaded drawings and documents: a file must really be what its name says (magic bytes, then parsed), and small.

Only PDF, PNG and JPEG are taken: what a browser shows by itself, and what a scanner or a drawing tool produces.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class FileType:
    kind: str  # "pdf" | "image"
    content_type: str
    magic: tuple[bytes, ...]


TYPES = {
    ".pdf": FileType("pdf", "application/pdf", (b"%PDF-",)),
    ".png": FileType("image", "image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": FileType("image", "image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": FileType("image", "image/jpeg", (b"\xff\xd8\xff",)),
}
ACCEPT = ",".join(TYPES)


def file_type(name: str) -> FileType | None:
    return TYPES.get(os.path.splitext(name or "")[1].lower())


def _parses(upload, kind: str) -> bool:
    upload.seek(0)
    try:
        if kind == "pdf":
            from pypdf import PdfReader

            return len(PdfReader(upload).pages) > 0
        from PIL import Image

        with Image.open(upload) as image:
            image.verify()
        return True
    except Exception:  # any parser failure means the file is not what it claims
        return False
    finally:
        upload.seek(0)


def check_upload(upload, max_bytes: int) -> FileType:
    """The file's type, or ValidationError (zh-Hans) when its name, content or size is not acceptable."""
    name = getattr(upload, "name", "") or ""
    expected = file_type(name)
    if expected is None:
        raise ValidationError(f"不支持的文件类型“{os.path.basename(name)}”：只接受 PDF、PNG、JPG 文件", code="type")
    size = getattr(upload, "size", None)
    if size is None or size > max_bytes:
        raise ValidationError(f"文件过大：不得超过 {max_bytes // (1024 * 1024)} MB", code="size")
    if size == 0:
        raise ValidationError("文件是空的", code="empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in expected.magic):
        raise ValidationError(
            f"文件“{os.path.basename(name)}”的内容与扩展名不符："
            f"不是真正的 {expected.content_type.split('/')[-1].upper()} 文件",
            code="mismatch",
        )
    if not _parses(upload, expected.kind):
        raise ValidationError(f"文件“{os.path.basename(name)}”已损坏，无法打开", code="corrupt")
    return expected

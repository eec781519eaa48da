"""Documents and attachments must be what their names say, and small."""

import pytest
from django.core.exceptions import ValidationError

from plandesk.publicity.files import check_upload
from plandesk.publicity.models import Document
from plandesk.publicity.services import add_document
from plandesk.publicity.tests.conftest import real_pdf, real_png, upload

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def test_it_takes_a_real_pdf_and_a_real_png(draft):
    doc = add_document(draft, title="总平面图", upload=upload("plan.pdf", real_pdf()))
    assert (doc.kind, doc.content_type) == ("pdf", "application/pdf")
    image = add_document(draft, title="效果图", upload=upload("view.PNG", real_png()))
    assert (image.kind, image.content_type) == ("image", "image/png")
    with doc.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("plan.pdf", real_png(), "内容与扩展名不符"),
    ("view.png", real_pdf(), "内容与扩展名不符"),
    ("photo.jpg", b"<html><script>alert(1)</script></html>", "内容与扩展名不符"),
    ("tool.exe", b"MZ\x90\x00", "不支持的文件类型"),
    ("plan.pdf", b"%PDF-1.7\nnot really a pdf", "已损坏"),
    ("empty.pdf", b"", "空的"),
])
def test_it_refuses_a_document_that_lies_about_its_type(draft, name, content, reason):
    with pytest.raises(ValidationError, match=reason):
        add_document(draft, title="图", upload=upload(name, content))
    assert not Document.objects.exists()


def test_it_caps_the_size(settings):
    settings.PLANDESK_PUBLICITY_DOCUMENT_MAX_MB = 1
    big = real_pdf() + b"\n%" + b"x" * MB
    with pytest.raises(ValidationError, match="不得超过 1 MB"):
        check_upload(upload("big.pdf", big), 1 * MB)

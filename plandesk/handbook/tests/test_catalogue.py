"""The handbook's time limits and materials for an item come from the catalogue: one source, no disagreement."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import ValidationError

from plandesk.catalog import demo as catalog_demo
from plandesk.catalog.models import Item
from plandesk.handbook import demo as handbook_demo
from plandesk.handbook.models import Article, ArticleVersion, Chapter, Section

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    catalog_demo.load(StringIO())
    return {item.code: item for item in Item.objects.all()}


def article_with(body: str) -> ArticleVersion:
    chapter = Chapter.objects.create(number=9, title="时限")
    section = Section.objects.create(chapter=chapter, number=1, title="办结时限")
    article = Article.objects.create(section=section, number=1, title="办结时限")
    return ArticleVersion.objects.create(article=article, effective_on=date(2026, 1, 1), body=body)


def test_the_demo_handbook_gives_the_guide_s_limit_for_the_land_use_permit(catalogue, client):
    handbook_demo.load_handbook()
    guide_days = catalogue["land_use_permit"].current.promised_days
    text = " ".join(v.text() for v in ArticleVersion.objects.filter(body__contains="land_use_permit"))
    assert f"建设用地规划许可自受理之日起 **{guide_days} 个工作日**" in text
    assert "15 个工作日**内办结。" not in text  # the old copy that disagreed with the guide (10)


def test_a_revised_guide_changes_the_handbook_at_once(catalogue):
    version = article_with("建设用地规划许可 {{事项:land_use_permit.承诺时限}} 个工作日；"
                           "材料：{{事项：land_use_permit.申请材料}}。")
    item = catalogue["land_use_permit"]
    materials = [m.name for m in item.current.materials.order_by("order", "id")]
    assert f"建设用地规划许可 {item.current.promised_days} 个工作日" in version.html()
    assert "、".join(materials) in version.text()
    item.current.revise(promised_days=8)
    assert "建设用地规划许可 8 个工作日" in version.html()


def test_an_article_naming_an_unknown_item_is_refused(catalogue):
    version = article_with("{{事项:no_such_item.承诺时限}} 个工作日")
    with pytest.raises(ValidationError) as refused:
        version.full_clean()
    assert "no_such_item" in str(refused.value.message_dict["body"])
    assert "目录中没有事项" in version.html()

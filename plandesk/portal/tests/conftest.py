from datetime import date

import pytest

from plandesk.handbook.models import Article, ArticleVersion, Chapter, Regulation, RegulationKind, Section
from plandesk.portal.models import Notice


@pytest.fixture
def library(db):
    """Regulations and notices to search: a title match, a body-only match, an internal handbook article."""
    law = Regulation.objects.create(
        code="administrative-licensing-law", title="中华人民共和国行政许可法", short_title="行政许可法",
        kind=RegulationKind.LAW, issuing_body="全国人民代表大会常务委员会", document_number="主席令第七号",
        effective_on=date(2004, 7, 1), summary="规范行政许可的设定和实施。",
    )
    standard = Regulation.objects.create(
        code="gb-50137", title="城市用地分类与规划建设用地标准", kind=RegulationKind.NATIONAL_STANDARD,
        issuing_body="住房和城乡建设部", document_number="GB 50137-2011", effective_on=date(2012, 1, 1),
        summary="本标准规定城市用地分类，以及人均建设用地、用地结构等规划建设用地指标，适用于总体规划和控制性详细规划。",
    )
    chapter = Chapter.objects.create(number=3, title="行政事务", is_public=False)
    section = Section.objects.create(chapter=chapter, number=1, title="值班制度")
    internal = Article.objects.create(section=section, number=1, title="节假日值班")
    ArticleVersion.objects.create(article=internal, effective_on=date(2025, 1, 1),
                                  body="值班人员负责受理紧急的许可事项咨询。")
    notice = Notice.objects.create(title="关于调整办公时间的通知", body="自下月起，窗口午间不休息，方便办理规划许可。",
                                   published_on=date(2026, 1, 5))
    draft = Notice.objects.create(title="草稿：年度许可统计", body="未发布。")
    return {"law": law, "standard": standard, "internal": internal, "notice": notice, "draft": draft}


@pytest.fixture
def handbook_public(db):
    chapter = Chapter.objects.create(number=1, title="总则")
    section = Section.objects.create(chapter=chapter, number=1, title="基本原则")
    article = Article.objects.create(section=section, number=1, title="公开透明")
    ArticleVersion.objects.create(article=article, effective_on=date(2025, 1, 1),
                                  body="审批事项的依据和时限在网站公示。")
    return article

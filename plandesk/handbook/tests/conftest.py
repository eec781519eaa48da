from datetime import date

import pytest

from plandesk.handbook.models import Article, ArticleVersion, Chapter, Regulation, RegulationKind, Section


@pytest.fixture
def handbook(db):
    """A public chapter with one article in two versions, and an internal chapter with one article."""
    general = Chapter.objects.create(number=1, title="总则")
    principles = Section.objects.create(chapter=general, number=1, title="基本原则")
    article = Article.objects.create(section=principles, number=1, title="依法行政")
    ArticleVersion.objects.create(article=article, effective_on=date(2025, 1, 1), body="旧版：依照法定权限办理。")
    ArticleVersion.objects.create(article=article, effective_on=date(2026, 7, 1), body="新版：依照法定权限和程序办理。",
                                  change_note="2026 年修订")
    internal = Chapter.objects.create(number=3, title="行政事务", is_public=False)
    duty = Section.objects.create(chapter=internal, number=1, title="值班制度")
    secret = Article.objects.create(section=duty, number=1, title="内部值班安排")
    ArticleVersion.objects.create(article=secret, effective_on=date(2025, 1, 1), body="节假日值班表由办公室编排。")
    return {"article": article, "secret": secret}


@pytest.fixture
def regulation(db):
    return Regulation.objects.create(
        code="urban-rural-planning-law", title="中华人民共和国城乡规划法", short_title="城乡规划法",
        kind=RegulationKind.LAW, issuing_body="全国人民代表大会常务委员会", document_number="主席令第七十四号",
        promulgated_on=date(2007, 10, 28), effective_on=date(2008, 1, 1), amended_on=date(2019, 4, 23),
        summary="为了加强城乡规划管理，协调城乡空间布局，改善人居环境，制定本法。",
    )

"""Demo handbook and regulations library for `plandesk demo` (idempotent)."""

from __future__ import annotations

from plandesk.handbook.demo_handbook import CHAPTERS
from plandesk.handbook.demo_regulations import REGULATIONS
from plandesk.handbook.models import Article, ArticleVersion, Chapter, Regulation, Section


def load(out) -> None:
    load_regulations()
    load_handbook()
    out.write(f"    法规 {Regulation.objects.count()} 部，手册条目 {Article.objects.count()} 条")


def load_regulations() -> None:
    replaced = {}
    for spec in REGULATIONS:
        fields = dict(spec)
        code = fields.pop("code")
        replaced_by = fields.pop("replaced_by", None)
        Regulation.objects.update_or_create(code=code, defaults=fields)
        if replaced_by:
            replaced[code] = replaced_by
    for code, target in replaced.items():
        reg = Regulation.objects.get(code=code)
        reg.replaced_by = Regulation.objects.get(code=target)
        reg.save()


def load_handbook() -> None:
    for number, title, public, sections in CHAPTERS:
        chapter, _ = Chapter.objects.update_or_create(number=number, defaults={"title": title, "is_public": public})
        for s_number, s_title, s_public, articles in sections:
            section, _ = Section.objects.update_or_create(
                chapter=chapter, number=s_number, defaults={"title": s_title, "is_public": s_public})
            for a_number, a_title, a_public, versions in articles:
                article, _ = Article.objects.update_or_create(
                    section=section, number=a_number, defaults={"title": a_title, "is_public": a_public})
                for effective_on, body, note in versions:
                    ArticleVersion.objects.update_or_create(
                        article=article, effective_on=effective_on, defaults={"body": body, "change_note": note})

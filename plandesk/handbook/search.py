"""The handbook and the regulations in the portal's search index (see plandesk.portal.index)."""

from __future__ import annotations

from plandesk.core.search import Document
from plandesk.handbook.markdown import plain_text
from plandesk.handbook.models import Article, ArticleVersion, Chapter, Regulation, Section


def article_documents(article: Article) -> list[Document]:
    """One document per version, searchable only while that version is in force."""
    public = article.is_public_everywhere()
    return [
        Document(
            kind="handbook",
            title=f"{article.reference} {article.title}",
            body=plain_text(version.text()),
            url=article.get_absolute_url(),
            is_public=public,
            valid_from=version.effective_on,
            valid_until=until,
        )
        for version, until in article.version_periods()
    ]


def regulation_documents(regulation: Regulation) -> list[Document]:
    heading = " ".join(p for p in (regulation.short_title, regulation.document_number, regulation.issuing_body) if p)
    body = " ".join((heading, plain_text(regulation.summary), plain_text(regulation.key_articles)))
    return [Document(kind="regulation", title=regulation.title, body=body, url=regulation.get_absolute_url(),
                     is_public=regulation.is_public)]


INDEXED = {Article: article_documents, Regulation: regulation_documents}

REINDEX_ON = {
    ArticleVersion: lambda version: [version.article] if Article.objects.filter(pk=version.article_id).exists() else [],
    Section: lambda section: Article.objects.filter(section_id=section.pk),
    Chapter: lambda chapter: Article.objects.filter(section__chapter_id=chapter.pk),
}

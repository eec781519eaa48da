"""Markdown is rendered through an allow-list: scripts and handlers never reach the page."""

from datetime import date

from plandesk.handbook.markdown import plain_text, render_markdown
from plandesk.handbook.models import ArticleVersion


def test_it_renders_a_script_tag_inert():
    html = render_markdown("正文<script>alert('x')</script>\n\n<script>\ndocument.cookie\n</script>\n\n**要点**")
    assert "<script" not in html.lower()
    assert "alert" not in html and "document.cookie" not in html
    assert "<strong>要点</strong>" in html


def test_it_drops_event_handlers_and_javascript_links():
    html = render_markdown(
        '[点我](javascript:alert(1)) <img src="x" onerror="alert(1)"> '
        '<a href="https://example.org" onclick="x()">外链</a>'
    )
    assert "javascript:" not in html
    assert "onerror" not in html and "onclick" not in html and "<img" not in html
    assert 'href="https://example.org"' in html


def test_it_keeps_tables_lists_and_headings():
    html = render_markdown("## 标题\n\n- 一\n- 二\n\n| 项 | 值 |\n|---|---|\n| 容积率 | 2.5 |")
    assert "<h2>标题</h2>" in html and "<li>一</li>" in html and "<td>容积率</td>" in html


def test_it_gives_plain_text_for_the_index():
    assert plain_text("## 标题\n\n**粗体** &amp; <script>x()</script>") == "标题 粗体 &"


def test_it_serves_an_article_with_a_script_tag_inert(client, handbook):
    ArticleVersion.objects.create(article=handbook["article"], effective_on=date(2020, 1, 1),
                                  body="<script>alert('hb')</script>早期版本")
    page = client.get(handbook["article"].get_absolute_url(), {"on": "2020-06-01"}).content.decode()
    assert "早期版本" in page
    assert "alert('hb')" not in page

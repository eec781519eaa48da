"""Search over the bigram index: Chinese without a tokenizer, ranked, highlighted, visible only to whom it may be."""

from datetime import date

from django.core.management import call_command

from plandesk.core.search import highlight, query_grams
from plandesk.handbook.models import ArticleVersion
from plandesk.portal.index import search_index
from plandesk.portal.models import SearchEntry, SearchGram
from plandesk.portal.search import search_all


def titles(hits):
    return [h.title for h in hits]


def test_it_finds_a_regulation_by_a_two_character_word_inside_a_sentence(library, rf):
    hits = search_all("结构", None)  # only inside the standard's summary: "…用地结构等规划建设用地指标…"
    assert titles(hits) == ["城市用地分类与规划建设用地标准"]
    assert hits[0].kind == "regulation"
    assert hits[0].url == "/handbook/regulations/gb-50137/"
    assert "<mark>结构</mark>" in hits[0].snippet


def test_it_ranks_a_title_match_first(library):
    # "许可" is in the law's title, in the notice's body, and in an internal article (not for the public).
    hits = search_all("许可", None)
    assert titles(hits) == ["中华人民共和国行政许可法", "关于调整办公时间的通知"]
    assert hits[0].score > hits[1].score


def test_it_finds_a_longer_phrase_and_a_standard_number(library):
    assert titles(search_all("规划建设用地指标", None))[0] == "城市用地分类与规划建设用地标准"
    assert titles(search_all("GB50137", None)) == ["城市用地分类与规划建设用地标准"]
    assert titles(search_all("ｇｂ ５０１３７", None)) == ["城市用地分类与规划建设用地标准"]  # full-width input


def test_it_finds_by_a_single_character(library):
    assert "中华人民共和国行政许可法" in titles(search_all("许", None))


def test_it_finds_nothing_for_unrelated_words_and_empty_queries(library):
    assert search_all("桥梁", None) == []
    assert search_all("   ", None) == []
    assert search_all("，。！", None) == []


def test_it_shows_staff_the_internal_handbook_and_hides_it_from_others(library, member, outsider):
    assert "3.1.1 节假日值班" in titles(search_all("值班", member))
    assert search_all("值班", outsider) == []
    assert search_all("值班", None) == []


def test_it_keeps_drafts_and_future_notices_out(library):
    assert "草稿：年度许可统计" not in titles(search_all("统计", None))
    assert search_index("办公时间", None, on=date(2026, 1, 4)) == []
    assert titles(search_index("办公时间", None, on=date(2026, 1, 5))) == ["关于调整办公时间的通知"]


def test_it_searches_only_the_handbook_version_in_force(library, member):
    article = library["internal"]
    ArticleVersion.objects.create(article=article, effective_on=date(2026, 6, 1), body="值班改由信息中心安排。")
    assert titles(search_index("信息中心", member, on=date(2026, 5, 31))) == []
    assert titles(search_index("信息中心", member, on=date(2026, 6, 1))) == ["3.1.1 节假日值班"]
    assert titles(search_index("紧急", member, on=date(2026, 6, 1))) == []


def test_it_reindexes_on_save_and_forgets_on_delete(library):
    law = library["law"]
    law.summary = "新增关于听证程序的说明。"
    law.save()
    assert titles(search_all("听证", None)) == ["中华人民共和国行政许可法"]
    law.delete()
    assert search_all("听证", None) == []
    assert not SearchEntry.objects.filter(source=f"handbook.regulation:{law.pk}").exists()


def test_it_rebuilds_the_index_with_the_command(library):
    SearchEntry.objects.all().delete()
    assert search_all("许可", None) == []
    call_command("reindex-search", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert titles(search_all("许可", None))[0] == "中华人民共和国行政许可法"
    assert SearchGram.objects.filter(gram="许可").exists()


def test_it_escapes_snippets_and_marks_matches():
    html = highlight("规定 <script>alert(1)</script> 规划许可的条件", "规划许可")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<mark>规划许可</mark>" in html


def test_it_splits_queries_into_bigrams_without_crossing_punctuation():
    assert query_grams("城乡规划法") == ["城乡", "乡规", "规划", "划法"]
    assert query_grams("规划，许可") == ["规划", "许可"]
    assert query_grams("法") == ["法"]


def test_it_follows_a_chapter_made_internal_or_public(library, handbook_public):
    chapter = handbook_public.section.chapter
    assert titles(search_all("公开透明", None)) == ["1.1.1 公开透明"]
    chapter.is_public = False
    chapter.save()
    assert search_all("公开透明", None) == []
    chapter.is_public = True
    chapter.save()
    assert titles(search_all("公开透明", None)) == ["1.1.1 公开透明"]

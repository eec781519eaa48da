import pytest

from plandesk.catalog.search import search

pytestmark = pytest.mark.django_db


def test_it_finds_an_item_by_its_name_first(catalogue):
    hits = search("乡村建设", None)
    assert hits[0].kind == "guide"
    assert "乡村建设规划许可证核发" in hits[0].title
    assert hits[0].url == "/guide/rural_permit/"
    assert "<mark>" in hits[0].snippet or hits[0].score >= 1000


def test_it_finds_an_item_by_a_material(catalogue):
    titles = [hit.title for hit in search("日照分析", None)]
    assert any("建设工程规划许可证核发" in title for title in titles)


def test_it_finds_nothing_for_unrelated_words(catalogue):
    assert search("足球比赛", None) == []
    assert search("", None) == []

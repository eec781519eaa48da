"""The demo data: loads twice without duplicates, and a newcomer's search finds something real."""

import io

from plandesk.handbook import demo as handbook_demo
from plandesk.handbook.models import Article, Chapter, Regulation, RegulationStatus
from plandesk.portal import demo as portal_demo
from plandesk.portal.models import Notice, SearchEntry
from plandesk.portal.search import search_all


def test_it_loads_the_demo_twice_without_duplicates_and_finds_real_things(db):
    for _ in range(2):
        handbook_demo.load(io.StringIO())
        portal_demo.load(io.StringIO())
    assert Chapter.objects.count() == 6
    assert Regulation.objects.count() >= 12
    assert Notice.objects.count() >= 5
    entries = SearchEntry.objects.count()
    handbook_demo.load(io.StringIO())
    assert SearchEntry.objects.count() == entries

    assert search_all("城乡规划法", None)[0].title == "中华人民共和国城乡规划法"
    assert search_all("GB 50180", None)[0].title == "城市居住区规划设计标准"
    assert Regulation.objects.get(code="city-planning-law-1989").status() == RegulationStatus.REPEALED
    # The internal chapter (行政事务) stays out of the public's search.
    assert all(h.kind != "handbook" or not h.title.startswith("3.") for h in search_all("催办", None))
    assert Article.objects.filter(section__chapter__number=3).exists()

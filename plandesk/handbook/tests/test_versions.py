"""The handbook's versions: the version in force on a date."""

from datetime import date

import pytest
import time_machine

from plandesk.handbook.models import Article


def test_it_gives_the_version_in_force_on_a_date(handbook):
    article = handbook["article"]
    assert article.version_on(date(2024, 12, 31)) is None
    assert article.version_on(date(2025, 1, 1)).body.startswith("旧版")
    assert article.version_on(date(2026, 6, 30)).body.startswith("旧版")
    assert article.version_on(date(2026, 7, 1)).body.startswith("新版")


def test_it_gives_no_version_once_the_article_is_repealed(handbook):
    article = handbook["article"]
    article.repealed_on = date(2027, 1, 1)
    article.save()
    assert article.version_on(date(2026, 12, 31)).body.startswith("新版")
    assert article.version_on(date(2027, 1, 1)) is None
    periods = [(v.effective_on, until) for v, until in article.version_periods()]
    assert periods == [(date(2025, 1, 1), date(2026, 7, 1)), (date(2026, 7, 1), date(2027, 1, 1))]


def test_it_uses_the_prefetched_versions_the_same_way(handbook):
    on = date(2026, 3, 1)
    article = Article.objects.with_versions_up_to(on).get(pk=handbook["article"].pk)
    assert article.version_on(on).body.startswith("旧版")


@pytest.mark.parametrize(
    ("today", "expected"), [("2026-06-30 10:00+08:00", "旧版"), ("2026-07-01 10:00+08:00", "新版")]
)
def test_it_shows_the_version_in_force_today_on_the_article_page(client, handbook, today, expected):
    with time_machine.travel(today, tick=False):
        response = client.get(handbook["article"].get_absolute_url())
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_it_shows_an_earlier_version_when_asked_for_a_date(client, handbook):
    with time_machine.travel("2026-08-01 10:00+08:00", tick=False):
        page = client.get(handbook["article"].get_absolute_url(), {"on": "2025-05-01"}).content.decode()
        assert "旧版" in page and "新版：" not in page
        index = client.get("/handbook/", {"on": "2024-06-01"}).content.decode()
    assert "依法行政" not in index  # not yet in force on that day


def test_it_explains_a_bad_date_in_chinese_and_shows_today(client, handbook):
    with time_machine.travel("2026-08-01 10:00+08:00", tick=False):
        page = client.get(handbook["article"].get_absolute_url(), {"on": "2026-13-45"}).content.decode()
    assert "日期格式应为" in page
    assert "新版" in page
